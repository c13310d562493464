/**
 * The LogsPort on `@google-cloud/logging` and the MetricsPort on `@google-cloud/monitoring`, loaded
 * lazily: the only code that imports these clients. Application Default Credentials by default; with
 * an endpoint (`gcp.loggingEndpoint` / `TDL_LOGGING_ENDPOINT`, `gcp.monitoringEndpoint` /
 * `TDL_MONITORING_ENDPOINT`) they talk plain gRPC to that host:port with no credentials, which is how
 * tests and the demo reach the emulators in src/sandbox/.
 */
import type { GcpConfig } from '../../playbook/sections/cloudrun.js';
import { splitEndpoint } from '../cloudrun/index.js';
import { mapObservabilityError, type ObservabilityApi } from './errors.js';
import type {
  LatencyDistribution,
  LogEntryInfo,
  LogRead,
  LogsPort,
  MetricsPort,
  RevisionWindow,
} from './port.js';

export { ObservabilityError, VIEWER_ROLE } from './errors.js';
export type { LogsPort, MetricsPort } from './port.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Client options: the emulator with no credentials, or ADC looked up once (a missing ADC is one clear error). */
async function clientOptions(api: ObservabilityApi, gcp: GcpConfig, endpoint: string | undefined) {
  const gax = await import('google-gax');
  if (endpoint) {
    const { host, port } = splitEndpoint(endpoint);
    return {
      projectId: gcp.project,
      apiEndpoint: host,
      port,
      sslCreds: gax.grpc.credentials.createInsecure(),
      authClient: new gax.googleAuthLibrary.PassThroughClient(),
    };
  }
  const auth = new gax.GoogleAuth({ scopes: [SCOPE], projectId: gcp.project });
  try {
    await auth.getClient();
  } catch (error) {
    throw mapObservabilityError(api, gcp.project, 'loading Application Default Credentials', error);
  }
  return { projectId: gcp.project, auth };
}

function rfc3339(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'seconds' in value) {
    const t = value as { seconds: unknown; nanos?: unknown };
    return new Date(Number(String(t.seconds)) * 1000 + Number(t.nanos ?? 0) / 1e6).toISOString();
  }
  return typeof value === 'string' ? value : '';
}

function messageOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    for (const key of ['message', 'msg', 'error']) if (typeof d[key] === 'string') return d[key] as string;
    return JSON.stringify(data);
  }
  return data === undefined || data === null ? '' : String(data);
}

function sourceOf(loc: unknown): string | null {
  const l = loc as { file?: string; line?: unknown; function?: string } | null | undefined;
  if (!l?.file) return null;
  return `${l.file}${l.line ? `:${String(l.line)}` : ''}${l.function ? ` in ${l.function}` : ''}`;
}

export async function createLogsPort(gcp: GcpConfig, endpoint?: string): Promise<LogsPort> {
  const target = endpoint || gcp.loggingEndpoint;
  const [{ Logging }, options] = await Promise.all([
    import('@google-cloud/logging'),
    clientOptions('logging', gcp, target),
  ]);
  const logging = new Logging(options as unknown as ConstructorParameters<typeof Logging>[0]);
  return {
    target: target ?? 'logging.googleapis.com',
    project: gcp.project,
    async list(query): Promise<LogRead> {
      const entries: LogEntryInfo[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      try {
        do {
          if (query.signal?.aborted) break;
          const [page, next] = await logging.getEntries({
            resourceNames: [`projects/${gcp.project}`],
            filter: query.filter,
            orderBy: 'timestamp asc',
            pageSize: Math.min(query.pageSize, query.maxEntries - entries.length),
            ...(pageToken ? { pageToken } : {}),
            autoPaginate: false,
            gaxOptions: { timeout: query.callTimeoutMs, retry: null } as never,
          });
          pages += 1;
          for (const e of page) {
            const m = e.metadata as Record<string, unknown>;
            entries.push({
              timestamp: rfc3339(m.timestamp),
              severity: String(m.severity ?? 'DEFAULT'),
              message: messageOf(e.data),
              trace: (m.trace as string) || null,
              spanId: (m.spanId as string) || null,
              sourceLocation: sourceOf(m.sourceLocation),
              insertId: (m.insertId as string) || null,
            });
          }
          pageToken = (next as { pageToken?: string } | null)?.pageToken || undefined;
        } while (pageToken && pages < query.maxPages && entries.length < query.maxEntries);
      } catch (error) {
        throw mapObservabilityError('logging', gcp.project, 'reading log entries', error);
      }
      return { entries, pages, truncated: Boolean(pageToken) };
    },
    async close() {
      await (logging as unknown as { loggingService: { close(): Promise<void> } }).loggingService.close();
    },
  };
}

const REQUEST_COUNT = 'run.googleapis.com/request_count';
const REQUEST_LATENCIES = 'run.googleapis.com/request_latencies';

function revisionFilter(metric: string, q: Pick<RevisionWindow, 'service'> & { revision?: string }): string {
  return [
    `metric.type = "${metric}"`,
    'resource.type = "cloud_run_revision"',
    `resource.labels.service_name = "${q.service}"`,
    ...(q.revision ? [`resource.labels.revision_name = "${q.revision}"`] : []),
  ].join(' AND ');
}

const num = (v: unknown) => Number(String(v ?? 0));

/** Upper bounds of the buckets of a Distribution's bucket options (exponential, linear or explicit). */
export function bucketBounds(options: Record<string, unknown> | null | undefined, buckets: number): number[] {
  const exp = options?.exponentialBuckets as
    | { numFiniteBuckets?: number; growthFactor?: number; scale?: number }
    | undefined;
  const lin = options?.linearBuckets as
    | { numFiniteBuckets?: number; width?: number; offset?: number }
    | undefined;
  const explicit = options?.explicitBuckets as { bounds?: number[] } | undefined;
  const bounds: number[] = [];
  for (let i = 0; i < buckets; i++) {
    if (exp) bounds.push(num(exp.scale) * num(exp.growthFactor) ** Math.min(i, num(exp.numFiniteBuckets)));
    else if (lin) bounds.push(num(lin.offset) + num(lin.width) * Math.min(i, num(lin.numFiniteBuckets)));
    else bounds.push(num(explicit?.bounds?.[Math.min(i, (explicit?.bounds?.length ?? 1) - 1)]));
  }
  return bounds;
}

export async function createMetricsPort(gcp: GcpConfig, endpoint?: string): Promise<MetricsPort> {
  const target = endpoint || gcp.monitoringEndpoint;
  const [{ MetricServiceClient }, options] = await Promise.all([
    import('@google-cloud/monitoring'),
    clientOptions('monitoring', gcp, target),
  ]);
  const client = new MetricServiceClient(
    options as unknown as ConstructorParameters<typeof MetricServiceClient>[0],
  );

  async function series(metric: string, q: RevisionWindow, groupBy: string[]) {
    const seconds = Math.max(1, Math.ceil((q.endMs - q.startMs) / 1000));
    const endSeconds = Math.ceil(q.endMs / 1000);
    try {
      const [list] = await client.listTimeSeries(
        {
          name: `projects/${gcp.project}`,
          filter: revisionFilter(metric, q),
          interval: { startTime: { seconds: endSeconds - seconds }, endTime: { seconds: endSeconds } },
          // One point per group: the whole window aligned as one period, summed across series.
          aggregation: {
            alignmentPeriod: { seconds },
            perSeriesAligner: 'ALIGN_DELTA',
            crossSeriesReducer: 'REDUCE_SUM',
            groupByFields: groupBy,
          },
          view: 'FULL',
        },
        { autoPaginate: false, timeout: q.callTimeoutMs, retry: null } as never,
      );
      return list;
    } catch (error) {
      throw mapObservabilityError('monitoring', gcp.project, `reading ${metric} of ${q.revision}`, error);
    }
  }

  return {
    target: target ?? 'monitoring.googleapis.com',
    project: gcp.project,
    async requestCounts(q) {
      const out: Record<string, number> = {};
      for (const s of await series(REQUEST_COUNT, q, ['metric.labels.response_code_class'])) {
        const cls = String(s.metric?.labels?.response_code_class ?? 'unknown');
        for (const p of s.points ?? []) out[cls] = (out[cls] ?? 0) + num(p.value?.int64Value);
      }
      return out;
    },
    async latencies(q): Promise<LatencyDistribution | null> {
      let merged: LatencyDistribution | null = null;
      for (const s of await series(REQUEST_LATENCIES, q, [])) {
        for (const p of s.points ?? []) {
          const d = p.value?.distributionValue;
          if (!d || num(d.count) === 0) continue;
          const counts = (d.bucketCounts ?? []).map(num);
          const bounds = bucketBounds(d.bucketOptions as Record<string, unknown>, counts.length);
          if (!merged) merged = { count: 0, bucketCounts: [], bounds };
          merged.count += num(d.count);
          counts.forEach((c, i) => {
            merged!.bucketCounts[i] = (merged!.bucketCounts[i] ?? 0) + c;
          });
          if (bounds.length > merged.bounds.length) merged.bounds = bounds;
        }
      }
      return merged;
    },
    async probe(service, callTimeoutMs) {
      const end = Math.floor(Date.now() / 1000);
      try {
        await client.listTimeSeries(
          {
            name: `projects/${gcp.project}`,
            filter: revisionFilter(REQUEST_COUNT, { service }),
            interval: { startTime: { seconds: end - 3600 }, endTime: { seconds: end } },
            view: 'HEADERS',
            pageSize: 1,
          },
          { autoPaginate: false, timeout: callTimeoutMs, retry: null } as never,
        );
      } catch (error) {
        throw mapObservabilityError(
          'monitoring',
          gcp.project,
          `reading ${REQUEST_COUNT} of ${service}`,
          error,
        );
      }
    },
    async close() {
      await client.close();
    },
  };
}
