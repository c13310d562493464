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
  LogListing,
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

export async function createLogsPort(gcp: GcpConfig, endpoint?: string): Promise<LogsPort> {
  const target = endpoint || gcp.loggingEndpoint;
  const [{ LoggingServiceV2Client }, { decodeLogPage }, options] = await Promise.all([
    import('@google-cloud/logging-api'),
    import('./log-page.js'),
    clientOptions('logging', gcp, target),
  ]);
  // The LoggingServiceV2 client that @google-cloud/logging exports as `v2` (Google's generated client,
  // from @google-cloud/logging-api, which the library depends on; imported from there, the library's
  // own top level, its Entry/Log/Sink classes and their dependencies are not loaded: about 24 MB of
  // RSS and a third of the client's load time). `Logging#getEntries` would wrap every entry in an
  // `Entry` (a deep copy and a Struct conversion each), which is most of the CPU of a 50,000-entry
  // read, and `new Logging()` also builds a ConfigServiceV2 client tdl never calls.
  const service = new LoggingServiceV2Client({
    ...options,
    // HTTP/2 flow control: with gRPC's default 64 KiB window the server may send only 64 KiB of the
    // pages of all the services read in parallel before this process acknowledges them, which it
    // cannot do while it is busy grouping another page: the transfers stall behind the CPU work.
    // A window that holds every page in flight (10 services x a 1,000-entry page) lets them arrive
    // while the previous ones are grouped.
    'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
  } as unknown as ConstructorParameters<typeof LoggingServiceV2Client>[0]) as unknown as LoggingService;
  await installPageDecoder(service, decodeLogPage);
  return {
    target: target ?? 'logging.googleapis.com',
    project: gcp.project,
    async list(query, visit): Promise<LogListing> {
      let entries = 0;
      let pageToken: string | undefined;
      let pages = 0;
      const request = (token: string | undefined): Promise<ListResponse> =>
        service.listLogEntries(
          {
            resourceNames: [`projects/${gcp.project}`],
            filter: query.filter,
            orderBy: 'timestamp asc',
            pageSize: Math.min(query.pageSize, query.maxEntries - entries),
            ...(token ? { pageToken: token } : {}),
          },
          {
            autoPaginate: false,
            timeout: query.callTimeoutMs,
            retry: null,
            otherArgs: { headers: { 'x-goog-fieldmask': ENTRY_FIELDS } },
          },
        );
      // One page per turn: the next page is asked for before this one is visited, and the event loop
      // runs once in between, because Node sends HTTP/2 frames in the loop's check phase: a request
      // made while this thread visits the pages that arrived together (the parallel reads of other
      // services) would leave only once all of them are visited, so every round of pages waited for
      // the call latency plus all the grouping. A page arrives already reduced to what tdl keeps of an
      // entry (decodeLogPage), so the pages waiting their turn are small.
      const reading = {
        ahead: query.signal?.aborted ? null : (request(undefined) as Promise<ListResponse> | null),
      };
      const turn = async () => {
        const pending = reading.ahead!;
        reading.ahead = null;
        const [kept, next] = await pending;
        pages += 1;
        entries += kept.length;
        pageToken = next?.pageToken || undefined;
        if (pageToken && pages < query.maxPages && entries < query.maxEntries && !query.signal?.aborted) {
          const ahead = request(pageToken);
          // Awaited by the next turn; a read stopped before that (an error below) must not leave it unhandled.
          ahead.catch(() => undefined);
          reading.ahead = ahead;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        for (const e of kept) visit(e);
      };
      try {
        while (reading.ahead) await turn();
      } catch (error) {
        throw mapObservabilityError('logging', gcp.project, 'reading log entries', error);
      }
      return { entries, pages, truncated: Boolean(pageToken) };
    },
    async close() {
      await service.close();
    },
  };
}

/** A page as the client answers it with `decodeLogPage` installed: entries, the next request, the raw response. */
type ListResponse = [LogEntryInfo[], { pageToken?: string } | null, unknown];

/** The part of the library's LoggingServiceV2Client this port calls. */
interface LoggingService {
  initialize(): Promise<unknown>;
  loggingServiceV2Stub?: Promise<LoggingStub>;
  listLogEntries(request: Record<string, unknown>, options: Record<string, unknown>): Promise<ListResponse>;
  close(): Promise<void>;
}

/** The gRPC stub the client calls (a @grpc/grpc-js Client made from the service definition). */
interface LoggingStub {
  constructor: {
    service?: Record<string, { path: string; requestSerialize: (v: unknown) => Buffer } | undefined>;
  };
  listLogEntries: (...args: unknown[]) => unknown;
  makeUnaryRequest: (
    path: string,
    serialize: (v: unknown) => Buffer,
    deserialize: (b: Buffer) => unknown,
    ...rest: unknown[]
  ) => unknown;
}

/**
 * The client's ListLogEntries, with the response read by `decodeLogPage` instead of the generated
 * decoder (why: log-page.ts). The stub's own method is replaced on this client's stub only, through
 * grpc-js's public `makeUnaryRequest` with the method's own path and request serializer: the client
 * still builds the request, the headers, the deadline and the paging, and maps the errors.
 */
async function installPageDecoder(
  service: LoggingService,
  decodeLogPage: (bytes: Buffer) => unknown,
): Promise<void> {
  await service.initialize();
  const stub = await service.loggingServiceV2Stub;
  const method = stub?.constructor.service?.ListLogEntries;
  if (!stub || !method)
    throw new Error('the Cloud Logging client has no ListLogEntries method to read pages with');
  stub.listLogEntries = (...args: unknown[]) =>
    stub.makeUnaryRequest(method.path, method.requestSerialize, decodeLogPage, ...args);
}

/** Bytes the server may send ahead of this process reading them, per connection and per call. */
const FLOW_CONTROL_WINDOW = 16 * 1024 * 1024;

/**
 * The response fields a read asks for (Google's `X-Goog-FieldMask` system parameter, which every
 * Cloud API honours over gRPC): the LogEntry fields `decodeLogPage` reads, and the page token.
 * Without it, each entry would also carry its logName, MonitoredResource, labels, receiveTimestamp
 * and operation: bytes to transfer and to skip. `httpRequest` is kept: a request log entry (a 5xx
 * answered by the revision) has nothing else to say. Keep in step with log-page.ts.
 */
export const ENTRY_FIELDS =
  'nextPageToken,entries(timestamp,severity,textPayload,jsonPayload,trace,spanId,sourceLocation,httpRequest)';

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
