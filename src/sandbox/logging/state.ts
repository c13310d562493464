/**
 * What the Cloud Logging emulator holds: log entries in the API's own message shape (as the gRPC
 * server receives and returns them), the calls it answered, and errors to inject. Tests and the demo
 * either write entries through the real `@google-cloud/logging` client or add them here directly.
 */
import type { ErrorSpec } from '../cloudrun/state.js';
import { type FieldReader, matches, parseFilter, type ValueRank } from '../filter.js';

/** Severity names of google.logging.type.LogSeverity and their numbers (ordered). */
export const SEVERITY_RANK: Record<string, number> = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800,
};

type Struct = { fields?: Record<string, StructValue> };
type StructValue = {
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  nullValue?: unknown;
  structValue?: Struct;
  listValue?: { values?: StructValue[] };
};

/** A LogEntry message as the gRPC server sees it (proto-loader objects: enums and longs as strings). */
export type EntryMessage = Record<string, unknown> & {
  logName?: string;
  resource?: { type?: string; labels?: Record<string, string> };
  timestamp?: { seconds?: string | number; nanos?: number };
  severity?: string;
  trace?: string;
  spanId?: string;
  textPayload?: string;
  jsonPayload?: Struct;
  labels?: Record<string, string>;
};

interface Stored {
  message: EntryMessage;
  /** Milliseconds since the epoch (from `timestamp`). */
  at: number;
}

/** A convenience shape for adding an entry of a Cloud Run revision without the client. */
export interface RevisionEntry {
  service: string;
  revision: string;
  severity?: string;
  /** Text payload; or `json` for a structured entry (its `message` field is what tdl groups by). */
  message?: string;
  json?: Record<string, unknown>;
  at: Date | number;
  trace?: string;
  spanId?: string;
  sourceLocation?: { file: string; line: number; function?: string };
  /** A request log entry (Cloud Run's `run.googleapis.com/requests` log): no payload of its own. */
  httpRequest?: { status: number; requestMethod: string; requestUrl: string };
  region?: string;
}

export interface LoggingCall {
  method: string;
  filter: string;
  /** The response field mask the call asked for (`x-goog-fieldmask`), or null. */
  fieldMask: string | null;
  at: number;
  error: string | null;
}

export function toStruct(value: Record<string, unknown>): Struct {
  const fields: Record<string, StructValue> = {};
  for (const [k, v] of Object.entries(value)) fields[k] = toValue(v);
  return { fields };
}

function toValue(v: unknown): StructValue {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v as Record<string, unknown>) };
}

function structGet(struct: Struct | undefined, path: string[]): string | number | undefined {
  let value: StructValue | undefined = { structValue: struct ?? {} };
  for (const key of path) value = value?.structValue?.fields?.[key];
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.numberValue !== undefined) return value.numberValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  return undefined;
}

function millisOf(ts: EntryMessage['timestamp']): number {
  return ts ? Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : 0;
}

export function timestampOf(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

const rank: ValueRank = (path, value) => {
  if (path === 'severity') return SEVERITY_RANK[value.toUpperCase()] ?? Number(value);
  if (path === 'timestamp' || path === 'receiveTimestamp') return Date.parse(value);
  return value;
};

function readerOf(s: Stored): FieldReader {
  return (path) => {
    if (path === 'timestamp') return s.at;
    const parts = path.split('.');
    if (parts[0] === 'jsonPayload') return structGet(s.message.jsonPayload, parts.slice(1));
    let value: unknown = s.message;
    for (const p of parts) value = (value as Record<string, unknown> | undefined)?.[p];
    return typeof value === 'string' || typeof value === 'number' ? value : undefined;
  };
}

export class LoggingState {
  readonly project: string;
  readonly calls: LoggingCall[] = [];
  private entries: Stored[] = [];
  private sorted = true;
  private version = 0;
  private errors: (ErrorSpec & { left: number })[] = [];
  private readonly queries = new Map<string, { version: number; list: EntryMessage[] }>();
  private insertIds = 0;

  constructor(options: { project: string }) {
    this.project = options.project;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Stores entries as WriteLogEntries would (defaults from the request already applied). */
  write(messages: EntryMessage[]): void {
    const received = timestampOf(Date.now());
    for (const m of messages) {
      const message: EntryMessage = {
        ...m,
        insertId: (m.insertId as string | undefined) || `e${++this.insertIds}`,
        receiveTimestamp: received,
      };
      if (!message.timestamp) message.timestamp = received;
      const at = millisOf(message.timestamp);
      const last = this.entries[this.entries.length - 1];
      if (last && last.at > at) this.sorted = false;
      this.entries.push({ message, at });
    }
    this.version += 1;
  }

  /** Adds entries of a Cloud Run revision, as that revision would have logged them. */
  add(entries: RevisionEntry[]): void {
    this.write(
      entries.map((e) => {
        const at = typeof e.at === 'number' ? e.at : e.at.getTime();
        return {
          logName: `projects/${this.project}/logs/run.googleapis.com%2F${e.httpRequest ? 'requests' : 'stderr'}`,
          resource: {
            type: 'cloud_run_revision',
            labels: {
              project_id: this.project,
              service_name: e.service,
              revision_name: e.revision,
              location: e.region ?? 'us-central1',
              configuration_name: e.service,
            },
          },
          timestamp: timestampOf(at),
          severity: e.severity ?? 'ERROR',
          ...(e.json
            ? { jsonPayload: toStruct(e.json) }
            : e.httpRequest && e.message === undefined
              ? {}
              : { textPayload: e.message ?? '' }),
          ...(e.httpRequest ? { httpRequest: e.httpRequest } : {}),
          ...(e.trace ? { trace: e.trace } : {}),
          ...(e.spanId ? { spanId: e.spanId } : {}),
          ...(e.sourceLocation
            ? { sourceLocation: { ...e.sourceLocation, line: String(e.sourceLocation.line) } }
            : {}),
        };
      }),
    );
  }

  /** The entries a filter selects, oldest first (or newest first with `desc`). Cached per filter. */
  query(filter: string, desc = false): EntryMessage[] {
    const key = `${desc ? 'desc' : 'asc'}\u0000${filter}`;
    const cached = this.queries.get(key);
    if (cached && cached.version === this.version) return cached.list;
    if (!this.sorted) {
      this.entries.sort((a, b) => a.at - b.at);
      this.sorted = true;
    }
    const node = parseFilter(filter);
    const list = this.entries.filter((s) => matches(node, readerOf(s), rank)).map((s) => s.message);
    if (desc) list.reverse();
    this.queries.set(key, { version: this.version, list });
    return list;
  }

  injectError(spec: ErrorSpec): void {
    this.errors.push({ ...spec, left: spec.times ?? Number.POSITIVE_INFINITY });
  }

  clearErrors(): void {
    this.errors = [];
  }

  /** Records a call and returns the error to answer it with, if one was injected. */
  callOf(method: string, filter: string, fieldMask: string | null = null): ErrorSpec | null {
    const rule = this.errors.find((e) => e.left > 0 && (e.method === undefined || e.method === method));
    if (rule) rule.left -= 1;
    this.calls.push({ method, filter, fieldMask, at: Date.now(), error: rule?.code ?? null });
    return rule ?? null;
  }
}
