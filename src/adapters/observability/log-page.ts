/**
 * A `ListLogEntriesResponse` read from its protobuf bytes straight into what tdl keeps of each entry.
 *
 * The generated client decodes a page with @grpc/proto-loader's options (`defaults: true`,
 * `oneofs: true`, `longs: String`): every LogEntry of the page becomes a protobufjs message and then a
 * plain object holding every field of LogEntry, set or not, and every Value of a JSON payload holds
 * all six kinds. For a 1,000-entry page that is several MB of objects, made to be dropped: with ten
 * services read in parallel it was most of the log step's CPU and of its peak memory (issue 18's
 * bound is 150 MB). This reader walks the bytes once and builds only the six strings of a
 * `LogEntryInfo`. The client still makes the call (request, headers, deadline, channel, errors); only
 * the response's decoding is this function (src/adapters/observability/index.ts installs it).
 *
 * Field numbers are those of google/logging/v2/log_entry.proto, logging.proto, google/protobuf/
 * struct.proto and timestamp.proto; unknown fields are skipped, so fields Google adds later are
 * ignored, as a generated decoder would. Malformed bytes throw (protobufjs's Reader checks bounds),
 * which the call reports as an error of the read.
 */
import protobuf from 'protobufjs/minimal.js';
import { SEVERITIES } from '../../playbook/sections/evidence.js';
import type { LogEntryInfo } from './port.js';

const { Reader } = protobuf;
type Reader = protobuf.Reader;

/** A decoded page: the entries as tdl keeps them and the token of the next page ('' on the last). */
export interface LogPage {
  entries: LogEntryInfo[];
  nextPageToken: string;
}

/** google.logging.type.LogSeverity's name of a number: the playbook's list is in its order, 100 apart. */
const severityName = (n: number): string => (n % 100 === 0 && SEVERITIES[n / 100]) || String(n);

/** The JSON payload keys read as the message, in this order (else the payload itself, compact). */
const MESSAGE_KEYS = ['message', 'msg', 'error'] as const;

export function decodeLogPage(bytes: Uint8Array): LogPage {
  const r = Reader.create(bytes);
  const entries: LogEntryInfo[] = [];
  let nextPageToken = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) entries.push(logEntry(r, r.uint32()));
    else if (tag === ((2 << 3) | 2)) nextPageToken = r.string();
    else r.skipType(tag & 7);
  }
  return { entries, nextPageToken };
}

function logEntry(r: Reader, length: number): LogEntryInfo {
  const end = r.pos + length;
  let seconds = 0;
  let nanos = 0;
  let hasTime = false;
  let severity = 0;
  let text: string | null = null;
  let json: string | null = null;
  let http: HttpRequest | null = null;
  let trace = '';
  let spanId = '';
  let source: string | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 3:
        text = r.string();
        break;
      case 6:
        json = payload(r, r.uint32());
        text = null;
        break;
      case 7:
        http = httpRequest(r, r.uint32());
        break;
      case 9: {
        const t = timestamp(r, r.uint32());
        seconds = t.seconds;
        nanos = t.nanos;
        hasTime = true;
        break;
      }
      case 10:
        severity = r.int32();
        break;
      case 22:
        trace = r.string();
        break;
      case 23:
        source = sourceLocation(r, r.uint32());
        break;
      case 27:
        spanId = r.string();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return {
    timestamp: hasTime ? isoOf(seconds, nanos) : '',
    severity: severityName(severity),
    message: messageOf(text, json, http),
    trace: trace || null,
    spanId: spanId || null,
    sourceLocation: source,
  };
}

/**
 * textPayload; or the JSON payload's `message` (`msg`, `error`) when it is a string; else the JSON
 * payload, compact; else, for a request log entry, its request line.
 */
function messageOf(text: string | null, json: string | null, http: HttpRequest | null): string {
  if (text) return text;
  if (json !== null) return json;
  if (http) return requestLine(http);
  return text ?? '';
}

interface HttpRequest {
  method: string;
  url: string;
  status: number;
}

function httpRequest(r: Reader, length: number): HttpRequest {
  const end = r.pos + length;
  const out: HttpRequest = { method: '', url: '', status: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) out.method = r.string();
    else if (tag === ((2 << 3) | 2)) out.url = r.string();
    else if (tag === ((4 << 3) | 0)) out.status = r.int32();
    else r.skipType(tag & 7);
  }
  return out;
}

/**
 * `HTTP 503 GET /api/events`: a request log entry's status, method and path. The query string and
 * the host are left out (a query may hold a token; the host is the service's own); the path's ids and
 * numbers are masked by the signature like any message's.
 */
function requestLine(h: HttpRequest): string {
  let path = h.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  if (!path.startsWith('/')) path = `/${path}`;
  return `HTTP ${h.status} ${h.method || '?'} ${path}`;
}

/** `file:line in function`; the line and the function when set. Null without a file. */
function sourceLocation(r: Reader, length: number): string | null {
  const end = r.pos + length;
  let file = '';
  let line = '';
  let fn = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) file = r.string();
    else if (tag === ((2 << 3) | 0)) line = String(int64(r));
    else if (tag === ((3 << 3) | 2)) fn = r.string();
    else r.skipType(tag & 7);
  }
  if (!file) return null;
  return `${file}${line && line !== '0' ? `:${line}` : ''}${fn ? ` in ${fn}` : ''}`;
}

function timestamp(r: Reader, length: number): { seconds: number; nanos: number } {
  const end = r.pos + length;
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 0)) seconds = int64(r);
    else if (tag === ((2 << 3) | 0)) nanos = r.int32();
    else r.skipType(tag & 7);
  }
  return { seconds, nanos };
}

/**
 * A JSON payload's message: its `message` (`msg`, `error`) when that is a string, else the whole
 * payload as compact JSON. The first pass reads only the keys (and the values of those three), so the
 * other fields of an entry (a stack, a request body) are skipped, not decoded.
 */
function payload(r: Reader, length: number): string {
  const start = r.pos;
  const end = start + length;
  const found: (string | undefined)[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag !== ((1 << 3) | 2)) {
      r.skipType(tag & 7);
      continue;
    }
    const entryEnd = r.uint32() + r.pos;
    let rank = -1;
    while (r.pos < entryEnd) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) rank = MESSAGE_KEYS.indexOf(r.string() as (typeof MESSAGE_KEYS)[number]);
      else if (t === ((2 << 3) | 2) && rank >= 0) {
        const v = plainValue(r, r.uint32());
        found[rank] = typeof v === 'string' ? v : undefined;
      } else r.skipType(t & 7);
    }
  }
  for (const v of found) if (v !== undefined) return v;
  r.pos = start;
  return JSON.stringify(struct(r, length));
}

/** google.protobuf.Struct as the plain object it stands for (map order kept). */
function struct(r: Reader, length: number): Record<string, unknown> {
  const end = r.pos + length;
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag !== ((1 << 3) | 2)) {
      r.skipType(tag & 7);
      continue;
    }
    // A map entry: key = 1, value = 2.
    const entryEnd = r.uint32() + r.pos;
    let key = '';
    let value: unknown = null;
    while (r.pos < entryEnd) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) key = r.string();
      else if (t === ((2 << 3) | 2)) value = plainValue(r, r.uint32());
      else r.skipType(t & 7);
    }
    out[key] = value;
  }
  return out;
}

/** google.protobuf.Value: null, number, string, bool, struct or list; the last kind set wins. */
function plainValue(r: Reader, length: number): unknown {
  const end = r.pos + length;
  let value: unknown = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        r.int32();
        value = null;
        break;
      case 2:
        value = r.double();
        break;
      case 3:
        value = r.string();
        break;
      case 4:
        value = r.bool();
        break;
      case 5:
        value = struct(r, r.uint32());
        break;
      case 6:
        value = list(r, r.uint32());
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return value;
}

/** google.protobuf.ListValue: `values = 1`. */
function list(r: Reader, length: number): unknown[] {
  const end = r.pos + length;
  const out: unknown[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) out.push(plainValue(r, r.uint32()));
    else r.skipType(tag & 7);
  }
  return out;
}

/**
 * A varint int64 as a number (exact below 2^53, which every timestamp and line number is; a
 * negative value, ten bytes on the wire, is read through protobufjs's Long path).
 */
function int64(r: Reader): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 9; i++) {
    if (r.pos >= r.len) throw new RangeError(`index out of range: ${r.pos} + 1 > ${r.len}`);
    const b = r.buf[r.pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  r.pos -= 9;
  return Number(r.int64().toString());
}

/** The day of the last timestamp formatted (`YYYY-MM-DDT`) and its first second: entries come in time order. */
let dayStart = Number.NaN;
let dayPrefix = '';

/**
 * RFC 3339 to the millisecond (nanos truncated), as `Date#toISOString` writes it; each day's date is
 * formatted once, the time of day from two-digit tables. A time no Date can hold gives ''.
 */
export function isoOf(seconds: number, nanos: number): string {
  const ms = Math.floor(nanos / 1e6);
  if (!Number.isInteger(seconds) || seconds < 0 || ms < 0 || ms > 999)
    return wholeIso(seconds * 1000 + nanos / 1e6);
  let inDay = seconds - dayStart;
  if (!(inDay >= 0 && inDay < 86_400)) {
    const iso = wholeIso(seconds * 1000);
    // `YYYY-MM-DDTHH:MM:SS.000Z`; years outside 0-9999 have another shape and are formatted whole.
    if (iso.length !== 24) return wholeIso(seconds * 1000 + ms);
    dayStart = seconds - (seconds % 86_400);
    dayPrefix = iso.slice(0, 11);
    inDay = seconds - dayStart;
  }
  const minutes = Math.floor(inDay / 60);
  return `${dayPrefix}${TWO_DIGITS[Math.floor(minutes / 60)]}:${TWO_DIGITS[minutes % 60]}:${TWO_DIGITS[inDay % 60]}.${MILLIS[ms]}`;
}

function wholeIso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
/** `000Z` to `999Z`: the end of a timestamp, made once. */
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);
