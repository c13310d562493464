/**
 * The one home of identifiers: run ids, W3C trace context, and stable content hashes
 * (fingerprints, signatures). Nothing else builds an id by hand.
 */
import { createHash, randomBytes } from 'node:crypto';

export const RUN_ID_PATTERN = /^tdl-\d{8}-\d{6}-[0-9a-f]{6}$/;

export type RandomSource = (bytes: number) => Buffer;
const defaultRandom: RandomSource = (n) => randomBytes(n);

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `tdl-YYYYMMDD-HHMMSS-xxxxxx` in UTC, from the run's start time. */
export function newRunId(at: Date, random: RandomSource = defaultRandom): string {
  const date = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  return `tdl-${date}-${time}-${random(3).toString('hex')}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

/** Hex SHA-256 of the parts joined by NUL, cut to `length` hex characters. */
export function stableHash(parts: readonly string[] | string, length = 16): string {
  const text = typeof parts === 'string' ? parts : parts.join('\0');
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The trace id of a run: derived from the run id, so every process of the run shares it. */
export function traceIdForRun(runId: string): string {
  return stableHash(['tdl-trace', runId], 32);
}

/** A W3C `traceparent` header value for a child process of the run, with a fresh span id. */
export function traceparentForRun(runId: string, random: RandomSource = defaultRandom): string {
  let span = random(8).toString('hex');
  if (/^0+$/.test(span)) span = '0000000000000001'; // all-zero span ids are invalid
  return `00-${traceIdForRun(runId)}-${span}-01`;
}

/** A W3C `traceparent` value (version 00): trace id and span id, neither all zeros. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/i;

/** `traceparent: 00-…`, `traceparent=00-…`, `"traceparent": "00-…"` in a line of a test's output. */
const LABELLED = /traceparent["']?\s*[:=]\s*["']?(00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})\b/i;

export interface Traceparent {
  /** The header value, lower-cased. */
  traceparent: string;
  traceId: string;
  spanId: string;
}

/**
 * A test's own W3C `traceparent`: the value itself (a report's `traceparent` property or meta field),
 * or with `labelled`, the first `traceparent: 00-…` in a text such as a test's captured output.
 * Lower-cased; null when there is none or its ids are all zeros. Reads at most 64 KiB.
 */
export function findTraceparent(text: string | undefined | null, labelled = false): Traceparent | null {
  if (!text) return null;
  const head = text.length > 65_536 ? text.slice(0, 65_536) : text;
  const m = TRACEPARENT.exec(labelled ? (LABELLED.exec(head)?.[1] ?? '') : head.trim());
  if (!m) return null;
  const traceId = m[1]!.toLowerCase();
  const spanId = m[2]!.toLowerCase();
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceparent: m[0].toLowerCase(), traceId, spanId };
}
