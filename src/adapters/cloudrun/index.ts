/**
 * The CloudRunPort on `@google-cloud/run` (v2 API, gRPC), loaded lazily: the only code that imports
 * the Google client. Application Default Credentials by default; with an endpoint (`gcp.endpoint` or
 * `TDL_CLOUDRUN_ENDPOINT`) it talks plain gRPC to that host:port with no credentials at all, which is
 * how tests and the demo reach the emulator in src/sandbox/cloudrun.
 */
import type { GcpConfig } from '../../playbook/sections/cloudrun.js';
import { CloudRunError, isTransient, mapCloudRunError } from './errors.js';
import { normalizeRevision, normalizeService } from './normalize.js';
import type { CloudRunPort, RevisionInfo, ServiceInfo } from './port.js';

export { CloudRunError } from './errors.js';
export type { CloudRunPort } from './port.js';

export interface CloudRunPortOptions {
  /** host:port that overrides `gcp.endpoint` (from `TDL_CLOUDRUN_ENDPOINT`). */
  endpoint?: string;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(endpoint.trim());
  if (!m) return { host: endpoint.trim(), port: 443 };
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * Application Default Credentials, looked up once, here. Left to the clients, a failed lookup also
 * rejects a promise inside google-gax that nothing handles (its universe-domain check), which crashes
 * the process with a stack trace; looked up first, a missing ADC is one clear error.
 */
async function applicationDefaultCredentials(gax: typeof import('google-gax'), gcp: GcpConfig) {
  const auth = new gax.GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId: gcp.project });
  try {
    await auth.getClient();
  } catch (error) {
    throw mapCloudRunError(
      error,
      {
        project: gcp.project,
        region: gcp.region,
        service: '',
        action: 'loading Application Default Credentials',
      },
      1,
    );
  }
  return auth;
}

/** Options of a Cloud Run client: plain gRPC to an emulator's endpoint, else ADC. */
export async function cloudRunClientOptions(gcp: GcpConfig, endpointOverride?: string) {
  const gax = await import('google-gax');
  const endpoint = endpointOverride || gcp.endpoint;
  return endpoint
    ? {
        apiEndpoint: splitEndpoint(endpoint).host,
        port: splitEndpoint(endpoint).port,
        sslCreds: gax.grpc.credentials.createInsecure(),
        // Without this the client probes the GCE metadata server and loads real credentials.
        authClient: new gax.googleAuthLibrary.PassThroughClient(),
      }
    : { projectId: gcp.project, auth: await applicationDefaultCredentials(gax, gcp) };
}

export async function createCloudRunPort(
  gcp: GcpConfig,
  options: CloudRunPortOptions = {},
): Promise<CloudRunPort> {
  const [{ v2 }, clientOptions] = await Promise.all([
    import('@google-cloud/run'),
    cloudRunClientOptions(gcp, options.endpoint),
  ]);
  const services = new v2.ServicesClient(clientOptions);
  const revisions = new v2.RevisionsClient(clientOptions);
  const sleep = options.sleep ?? defaultSleep;
  // Our own retry loop replaces the library's (8 attempts over ~12 s), so a status check cannot stall.
  const callOptions = { timeout: gcp.callTimeout, retry: null };
  const parent = `projects/${gcp.project}/locations/${gcp.region}`;
  const serviceName = (s: string) => `${parent}/services/${s}`;

  async function withRetry<T>(
    service: string,
    action: string,
    call: () => Promise<T>,
    resource?: string,
  ): Promise<T> {
    let attempt = 0;
    for (;;) {
      attempt += 1;
      try {
        return await call();
      } catch (error) {
        if (isTransient(error) && attempt <= gcp.retries) {
          await sleep(gcp.backoff * 2 ** (attempt - 1));
          continue;
        }
        throw mapCloudRunError(
          error,
          { project: gcp.project, region: gcp.region, service, action, ...(resource ? { resource } : {}) },
          attempt,
        );
      }
    }
  }

  async function rawService(service: string) {
    const [s] = await withRetry(service, `reading service ${service}`, () =>
      services.getService({ name: serviceName(service) }, callOptions),
    );
    return s;
  }

  return {
    target: options.endpoint || gcp.endpoint || 'run.googleapis.com',
    async getService(service: string): Promise<ServiceInfo> {
      return normalizeService(await rawService(service));
    },
    async getRevision(service: string, revision: string): Promise<RevisionInfo> {
      const [r] = await withRetry(
        service,
        `reading revision ${revision}`,
        () => revisions.getRevision({ name: `${serviceName(service)}/revisions/${revision}` }, callOptions),
        `revision ${revision}`,
      );
      return normalizeRevision(r);
    },
    async listRevisions(service: string): Promise<RevisionInfo[]> {
      // autoPaginate: false avoids the library's AutopaginateTrueWarning; one page (newest first) is enough.
      const [list] = await withRetry(service, `listing revisions of ${service}`, () =>
        revisions.listRevisions(
          { parent: serviceName(service), pageSize: 50 },
          { ...callOptions, autoPaginate: false },
        ),
      );
      return list.map(normalizeRevision);
    },
    async tagRevision(service: string, revision: string, tag: string): Promise<ServiceInfo> {
      const current = await rawService(service);
      const traffic = (current.traffic ?? []).map((t) => ({ ...t }));
      if (!traffic.some((t) => t.tag === tag)) {
        traffic.push({ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision, percent: 0, tag });
      }
      await withRetry(service, `tagging revision ${revision} of ${service}`, async () => {
        const [operation] = await services.updateService(
          { service: { name: serviceName(service), traffic }, updateMask: { paths: ['traffic'] } },
          callOptions,
        );
        // The operation's result is a raw protobuf message (Long, numeric enums); read the service again instead.
        await operation.promise();
      });
      const after = normalizeService(await rawService(service));
      if (!after.traffic.some((t) => t.tag === tag && t.revision === revision)) {
        throw new CloudRunError(
          'other',
          `tagging revision ${revision} of ${service}: tag ${tag} is not in the traffic split afterwards`,
        );
      }
      return after;
    },
    async close() {
      await Promise.all([services.close(), revisions.close()]);
    },
  };
}
