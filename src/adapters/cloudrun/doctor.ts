/**
 * `tdl doctor`'s Cloud Run checks: Application Default Credentials found (or an emulator endpoint set),
 * and each service readable with one short call. Only where credentials were found is shown, never them.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../core/check.js';
import { errorMessage } from '../../core/errors.js';
import type { Playbook } from '../../playbook/load.js';
import { CloudRunError } from './errors.js';

/** Where ADC would come from, without reading it: the env var's file, gcloud's well-known file, or none. */
export function adcSource(env: NodeJS.ProcessEnv, home = homedir()): string | null {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) return existsSync(file) ? `GOOGLE_APPLICATION_CREDENTIALS (${file})` : null;
  const base = env.CLOUDSDK_CONFIG || join(home, '.config', 'gcloud');
  const wellKnown = join(base, 'application_default_credentials.json');
  return existsSync(wellKnown) ? wellKnown : null;
}

export async function checkCloudRunAccess(
  playbook: Playbook,
  env: NodeJS.ProcessEnv,
): Promise<CheckResult[]> {
  const gcp = playbook.gcp;
  if (!gcp || playbook.services.length === 0) return [];
  const endpoint = env.TDL_CLOUDRUN_ENDPOINT || gcp.endpoint;
  const source = endpoint ? null : adcSource(env);
  const results: CheckResult[] = [];
  const { createCloudRunPort } = await import('./index.js');
  // One attempt with a short deadline: doctor reports, it does not wait out an outage.
  let port: Awaited<ReturnType<typeof createCloudRunPort>>;
  try {
    port = await createCloudRunPort(
      { ...gcp, retries: 0, callTimeout: Math.min(gcp.callTimeout, 5000) },
      endpoint ? { endpoint } : {},
    );
  } catch (error) {
    // No credentials at all: nothing can be read; say so once, with the fix.
    return [
      {
        name: 'Application Default Credentials found',
        ok: false,
        detail: errorMessage(error).split('\n')[0]!,
        fix: 'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file',
      },
    ];
  }
  const reads = await Promise.all(
    playbook.services.map(async (s): Promise<CheckResult> => {
      const name = `Cloud Run reachable: ${s.name}`;
      try {
        const info = await port.getService(s.name);
        return {
          name,
          ok: true,
          detail: `latest ready revision ${info.latestReadyRevision ?? 'none'} (${port.target})`,
        };
      } catch (error) {
        const kind = error instanceof CloudRunError ? error.kind : 'other';
        return {
          name,
          ok: false,
          detail: errorMessage(error).split('\n')[0]!,
          fix:
            kind === 'permission'
              ? `run \`gcloud auth application-default login\` (or set GOOGLE_APPLICATION_CREDENTIALS); grant roles/run.viewer on ${gcp.project}`
              : kind === 'not-found'
                ? `check services[].name, gcp.project and gcp.region (gcloud run services list --project ${gcp.project} --region ${gcp.region})`
                : 'check the network, gcp.endpoint / TDL_CLOUDRUN_ENDPOINT, and https://status.cloud.google.com',
        };
      }
    }),
  );
  await port.close().catch(() => undefined);
  const anyRead = reads.some((r) => r.ok);
  results.push(
    endpoint
      ? {
          name: 'Cloud Run credentials',
          ok: true,
          detail: `none needed: endpoint ${endpoint} (emulator, no credentials sent)`,
        }
      : source
        ? { name: 'Application Default Credentials found', ok: true, detail: source }
        : {
            name: 'Application Default Credentials found',
            ok: anyRead,
            detail: anyRead ? 'from the environment (metadata server)' : 'no credentials file found',
            ...(anyRead
              ? {}
              : {
                  fix: 'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file',
                }),
          },
  );
  results.push(...reads);
  return results;
}
