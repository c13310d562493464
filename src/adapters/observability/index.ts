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

function rfc3339(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'seconds' in value) {
    const t = value as { seconds: unknown; nanos?: unknown };
    return isoOf(Number(String(t.seconds)), Number(t.nanos ?? 0));
  }
  return typeof value === 'string' ? value : '';
}

/** The last second formatted: entries come oldest first, many in the same second. */
let lastSecond = Number.NaN;
let lastPrefix = '';

/** RFC 3339 to the millisecond (nanos truncated, as toISOString does), formatting each second once. */
export function isoOf(seconds: number, nanos: number): string {
  const ms = Math.floor(nanos / 1e6);
  if (!Number.isInteger(seconds) || seconds < 0 || ms < 0 || ms > 999)
    return new Date(seconds * 1000 + nanos / 1e6).toISOString();
  if (seconds !== lastSecond) {
    const iso = new Date(seconds * 1000).toISOString();
    // `YYYY-MM-DDTHH:MM:SS.000Z`; years outside 0-9999 have another shape and are formatted whole.
    if (iso.length !== 24) return new Date(seconds * 1000 + ms).toISOString();
    lastSecond = seconds;
    lastPrefix = iso.slice(0, 20);
  }
  return lastPrefix + MILLIS[ms]!;
}

/** `000Z` to `999Z`: the end of a timestamp, made once. */
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);

function sourceOf(loc: unknown): string | null {
  const l = loc as { file?: string; line?: unknown; function?: string } | null | undefined;
  if (!l?.file) return null;
  return `${l.file}${l.line ? `:${String(l.line)}` : ''}${l.function ? ` in ${l.function}` : ''}`;
}

export async function createLogsPort(gcp: GcpConfig, endpoint?: string): Promise<LogsPort> {
  const target = endpoint || gcp.loggingEndpoint;
  const [{ LoggingServiceV2Client }, options] = await Promise.all([
    import('@google-cloud/logging-api'),
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
      // the call latency plus all the grouping. Before that wait the page is reduced to what tdl keeps
      // of an entry, so the pages waiting their turn hold a third of the memory of decoded entries.
      const reading = {
        ahead: query.signal?.aborted ? null : (request(undefined) as Promise<ListResponse> | null),
      };
      const turn = async () => {
        const pending = reading.ahead!;
        reading.ahead = null;
        const kept = await keptOf(pending);
        pages += 1;
        entries += kept.entries.length;
        pageToken = kept.next;
        if (pageToken && pages < query.maxPages && entries < query.maxEntries && !query.signal?.aborted) {
          const ahead = request(pageToken);
          // Awaited by the next turn; a read stopped before that (an error below) must not leave it unhandled.
          ahead.catch(() => undefined);
          reading.ahead = ahead;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        for (const e of kept.entries) visit(e);
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

/** A page's entries as tdl keeps them, and the next page's token (the decoded page is dropped here). */
async function keptOf(pending: Promise<ListResponse>): Promise<{ entries: LogEntryInfo[]; next?: string }> {
  const [list, next] = await pending;
  return { entries: list.map(entryInfo), next: next?.pageToken || undefined };
}

/** A page as the library's LoggingServiceV2Client answers it: entries, the next request, the raw response. */
type ListResponse = [ApiEntry[], { pageToken?: string } | null, unknown];

/** The part of the library's LoggingServiceV2Client this port calls. */
interface LoggingService {
  listLogEntries(request: Record<string, unknown>, options: Record<string, unknown>): Promise<ListResponse>;
  close(): Promise<void>;
}

/** Bytes the server may send ahead of this process reading them, per connection and per call. */
const FLOW_CONTROL_WINDOW = 16 * 1024 * 1024;

/**
 * The response fields a read asks for (Google's `X-Goog-FieldMask` system parameter, which every
 * Cloud API honours over gRPC): the LogEntry fields `entryInfo` reads, and the page token. Without
 * it, each entry would also carry its logName, MonitoredResource, labels, receiveTimestamp and
 * operation: bytes to transfer and objects to decode that tdl drops. `httpRequest` is kept: a request
 * log entry (a 5xx answered by the revision) has nothing else to say. Keep in step with `ApiEntry`.
 */
export const ENTRY_FIELDS =
  'nextPageToken,entries(timestamp,severity,textPayload,jsonPayload,trace,spanId,sourceLocation,httpRequest)';

/** A LogEntry message as the client decodes it (enums as names, int64 as strings or Longs). */
interface ApiEntry {
  timestamp?: { seconds?: unknown; nanos?: unknown } | null;
  severity?: string | number | null;
  textPayload?: string | null;
  jsonPayload?: { fields?: Record<string, { stringValue?: string | null; kind?: string }> } | null;
  httpRequest?: { status?: number | null; requestMethod?: string | null; requestUrl?: string | null } | null;
  protoPayload?: unknown;
  trace?: string | null;
  spanId?: string | null;
  sourceLocation?: { file?: string | null; line?: unknown; function?: string | null } | null;
}

function entryInfo(e: ApiEntry): LogEntryInfo {
  return {
    timestamp: rfc3339(e.timestamp),
    severity: typeof e.severity === 'string' ? e.severity : String(e.severity ?? 'DEFAULT'),
    message: payloadMessage(e),
    trace: e.trace || null,
    spanId: e.spanId || null,
    sourceLocation: sourceOf(e.sourceLocation),
  };
}

/**
 * textPayload; or jsonPayload's `message` (`msg`, `error`); else the JSON payload, compact; else, for
 * a request log entry, its request line (requestLine).
 */
function payloadMessage(e: ApiEntry): string {
  if (typeof e.textPayload === 'string' && e.textPayload) return e.textPayload;
  const fields = e.jsonPayload?.fields;
  if (fields) {
    for (const key of ['message', 'msg', 'error']) {
      const v = fields[key]?.stringValue;
      if (typeof v === 'string') return v;
    }
    return JSON.stringify(structToPlain(e.jsonPayload));
  }
  if (e.httpRequest) return requestLine(e.httpRequest);
  return e.textPayload ?? '';
}

/**
 * `HTTP 503 GET /api/events`: a request log entry's status, method and path. The query string and
 * the host are left out (a query may hold a token; the host is the service's own); the path's ids and
 * numbers are masked by the signature like any message's.
 */
function requestLine(r: NonNullable<ApiEntry['httpRequest']>): string {
  const url = r.requestUrl ?? '';
  let path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  if (!path.startsWith('/')) path = `/${path}`;
  return `HTTP ${r.status ?? '?'} ${r.requestMethod || '?'} ${path}`;
}

type StructLike = { fields?: Record<string, ValueLike> } | null | undefined;
type ValueLike = {
  stringValue?: string | null;
  numberValue?: number | null;
  boolValue?: boolean | null;
  structValue?: StructLike;
  listValue?: { values?: ValueLike[] } | null;
};

function structToPlain(s: StructLike): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s?.fields ?? {})) out[k] = valueToPlain(v);
  return out;
}

function valueToPlain(v: ValueLike | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.numberValue !== undefined && v.numberValue !== null) return v.numberValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
  if (v.structValue) return structToPlain(v.structValue);
  if (v.listValue) return (v.listValue.values ?? []).map(valueToPlain);
  return null;
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
