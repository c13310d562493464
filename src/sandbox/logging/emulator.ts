/**
 * A loopback gRPC emulator of Cloud Logging (`google.logging.v2.LoggingServiceV2`: WriteLogEntries and
 * ListLogEntries with the filter subset of ../filter.ts, paged), built on the protos shipped with the
 * `@google-cloud/logging` client. The real client talks to it with insecure credentials.
 */
import * as grpc from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protosOf } from '../cloudrun/protos.js';
import { applyFieldMask, FieldMaskSyntaxError, parseFieldMask } from '../fieldmask.js';
import { FilterSyntaxError } from '../filter.js';
import { CODES, failCall, shutdown, unimplemented, withLatency } from '../grpc.js';
import { type EntryMessage, LoggingState } from './state.js';

export interface LoggingEmulator {
  state: LoggingState;
  /** `127.0.0.1:<port>`: what `gcp.loggingEndpoint` / `TDL_LOGGING_ENDPOINT` take. */
  endpoint: string;
  close(): Promise<void>;
}

export interface LoggingEmulatorOptions {
  project?: string;
  /** Added to every answer (the bench uses 100 ms, as a real API call takes). */
  latencyMs?: number;
}

/** The real API's page size limit. */
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 50;

let cached: PackageDefinition | undefined;

/** The LoggingServiceV2 definition from the client's own protos (also how tests encode a page as Cloud Logging would). */
export function loggingProtos(): PackageDefinition {
  cached ??= loadSync(['google/logging/v2/logging.proto'], {
    includeDirs: [protosOf('@google-cloud/logging-api', '@google-cloud/logging'), protosOf('google-gax')],
    longs: String,
    enums: String,
    oneofs: true,
    defaults: false,
  });
  return cached;
}

type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;
type Callback = grpc.sendUnaryData<unknown>;

export async function startLoggingEmulator(options: LoggingEmulatorOptions = {}): Promise<LoggingEmulator> {
  const state = new LoggingState({ project: options.project ?? 'sandbox-project' });
  const definition = loggingProtos()['google.logging.v2.LoggingServiceV2'] as grpc.ServiceDefinition;
  const latency = options.latencyMs ?? 0;

  const write = (call: Call, cb: Callback) => {
    const r = call.request as {
      logName?: string;
      resource?: EntryMessage['resource'];
      labels?: Record<string, string>;
      entries?: EntryMessage[];
    };
    const injected = state.callOf('WriteLogEntries', '');
    if (injected) return failCall(cb, CODES[injected.code], injected.message ?? `injected ${injected.code}`);
    const entries = (r.entries ?? []).map((e) => ({
      ...e,
      logName: e.logName || r.logName,
      resource: e.resource ?? r.resource,
      labels: { ...(r.labels ?? {}), ...(e.labels ?? {}) },
    }));
    if (entries.some((e) => !e.logName))
      return failCall(cb, grpc.status.INVALID_ARGUMENT, 'log_name is required on the request or each entry');
    state.write(entries);
    cb(null, {});
  };

  const list = (call: Call, cb: Callback) => {
    const r = call.request as {
      resourceNames?: string[];
      filter?: string;
      orderBy?: string;
      pageSize?: number;
      pageToken?: string;
    };
    const filter = r.filter ?? '';
    const maskText = String(call.metadata.get('x-goog-fieldmask')[0] ?? '');
    const injected = state.callOf('ListLogEntries', filter, maskText || null);
    if (injected) return failCall(cb, CODES[injected.code], injected.message ?? `injected ${injected.code}`);
    if (!r.resourceNames?.includes(`projects/${state.project}`))
      return failCall(cb, grpc.status.NOT_FOUND, `resource_names must name projects/${state.project}`);
    const order = (r.orderBy ?? 'timestamp asc').trim().toLowerCase();
    if (order !== 'timestamp asc' && order !== 'timestamp desc')
      return failCall(cb, grpc.status.INVALID_ARGUMENT, `order_by '${r.orderBy}' is not supported`);
    let matched: EntryMessage[];
    try {
      matched = state.query(filter, order === 'timestamp desc');
    } catch (error) {
      if (error instanceof FilterSyntaxError)
        return failCall(cb, grpc.status.INVALID_ARGUMENT, `Invalid filter: ${error.message}`);
      throw error;
    }
    const size = Math.min(Math.max(Number(r.pageSize) || DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    const offset = r.pageToken ? Number(r.pageToken) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return failCall(cb, grpc.status.INVALID_ARGUMENT, `bad page_token '${r.pageToken}'`);
    // The platform's response field mask (the X-Goog-FieldMask system parameter), as the real API has.
    let mask: ReturnType<typeof parseFieldMask>;
    try {
      mask = parseFieldMask(maskText);
    } catch (error) {
      if (error instanceof FieldMaskSyntaxError)
        return failCall(cb, grpc.status.INVALID_ARGUMENT, `Invalid field mask: ${error.message}`);
      throw error;
    }
    // Encoded pages are kept per result list (a new write makes a new list): the bench's client
    // process shares this machine's cores with the emulator, which should not spend them re-encoding.
    let pages = encoded.get(matched);
    if (!pages) {
      pages = new Map();
      encoded.set(matched, pages);
    }
    const key = `${offset}:${size}:${maskText}`;
    let bytes = pages.get(key);
    if (!bytes) {
      const next = offset + size < matched.length ? String(offset + size) : '';
      bytes = serialize(
        applyFieldMask({ entries: matched.slice(offset, offset + size), nextPageToken: next }, mask),
      );
      pages.set(key, bytes);
    }
    cb(null, bytes);
  };

  const encoded = new WeakMap<EntryMessage[], Map<string, Buffer>>();
  const method = definition.ListLogEntries!;
  const serialize = method.responseSerialize as (value: unknown) => Buffer;
  // A handler may answer with bytes it encoded before.
  const served: grpc.ServiceDefinition = {
    ...definition,
    ListLogEntries: { ...method, responseSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : serialize(v)) },
  };
  const server = new grpc.Server();
  server.addService(served, {
    ...unimplemented(definition),
    WriteLogEntries: withLatency(latency, write),
    ListLogEntries: withLatency(latency, list),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { state, endpoint: `127.0.0.1:${port}`, close: () => shutdown(server) };
}
