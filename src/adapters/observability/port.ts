/** Reading a Cloud Run revision's own logs (Cloud Logging) and request metrics (Cloud Monitoring). */

/** One log entry as tdl keeps it (the payload reduced to its message text). */
export interface LogEntryInfo {
  /** RFC 3339. */
  timestamp: string;
  severity: string;
  /** textPayload, or jsonPayload.message (else the JSON payload itself, compact). */
  message: string;
  /** `projects/<p>/traces/<trace id>`, as Cloud Logging stores it; null when the entry has none. */
  trace: string | null;
  spanId: string | null;
  /** `file:line` (and ` in fn`), when the entry carries a sourceLocation. */
  sourceLocation: string | null;
}

export interface LogQuery {
  /** A Cloud Logging filter (tdl's own plus the playbook's `logs.filter`). */
  filter: string;
  pageSize: number;
  /** Pages read at most; the result says when more were left. */
  maxPages: number;
  /** Entries kept at most. */
  maxEntries: number;
  /** Deadline of one call. */
  callTimeoutMs: number;
  signal?: AbortSignal;
}

export interface LogListing {
  /** Entries handed to the visitor. */
  entries: number;
  pages: number;
  /** True when the page or entry bound stopped the read before the last page. */
  truncated: boolean;
}

export interface LogsPort {
  /** `logging.googleapis.com` or the emulator's host:port. */
  readonly target: string;
  readonly project: string;
  /**
   * Hands each entry matching the filter to `visit`, oldest first, page by page within the query's
   * bounds (entries are not kept: a caller keeps what it needs).
   */
  list(query: LogQuery, visit: (entry: LogEntryInfo) => void): Promise<LogListing>;
  close(): Promise<void>;
}

export interface RevisionWindow {
  service: string;
  revision: string;
  /** Milliseconds since the epoch. */
  startMs: number;
  endMs: number;
  callTimeoutMs: number;
}

/** A latency distribution (Cloud Monitoring's Distribution, bucket counts as numbers). */
export interface LatencyDistribution {
  count: number;
  bucketCounts: number[];
  /** Upper bound (ms) of each finite bucket and the underflow bucket: bucket i spans bounds[i-1]..bounds[i]. */
  bounds: number[];
}

export interface MetricsPort {
  readonly target: string;
  readonly project: string;
  /** Requests of the revision in the window by response code class (`2xx`, `5xx`, ...); {} when no data. */
  requestCounts(q: RevisionWindow): Promise<Record<string, number>>;
  /** The merged latency distribution of the revision in the window; null when no data. */
  latencies(q: RevisionWindow): Promise<LatencyDistribution | null>;
  /** One small read of a service's request counts (any revision): can this account read metrics? */
  probe(service: string, callTimeoutMs: number): Promise<void>;
  close(): Promise<void>;
}
