/**
 * Results sized for a context window. A tool result (its structured content plus the same JSON as
 * text, as the protocol asks) stays under MAX_RESULT_BYTES: long strings are cut where they are, and
 * lists are paged, a page holding as many items as fit. Pure functions.
 */
import type { Page } from './schemas.js';

/** The bound on one whole tool result, in bytes of JSON. */
export const MAX_RESULT_BYTES = 20_000;
/** The structured content is sent twice (structured and as text), plus the JSON-RPC frame. */
export const MAX_STRUCTURED_BYTES = Math.floor((MAX_RESULT_BYTES - 1_000) / 2);

export const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A string cut to `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Every string inside a JSON value cut to `max` characters. */
export function clipDeep<T>(value: T, max: number): T {
  if (typeof value === 'string') return clip(value, max) as T;
  if (Array.isArray(value)) return value.map((v) => clipDeep(v, max)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clipDeep(v, max);
    return out as T;
  }
  return value;
}

/**
 * The page of `items` from `offset`: at most `limit` items, fewer when the result `build` makes of
 * them would pass `maxBytes`. At least one item is kept (its strings are cut harder when it alone is
 * too big), so paging always moves on.
 */
export function pageWithin<T, R>(
  items: readonly T[],
  offset: number,
  limit: number,
  build: (slice: T[], page: Page) => R,
  maxBytes = MAX_STRUCTURED_BYTES,
): R {
  const start = Math.min(offset, items.length);
  const make = (n: number, cut?: number) => {
    const slice = items.slice(start, start + n).map((i) => (cut ? clipDeep(i, cut) : i));
    const next = start + n < items.length ? start + n : null;
    return build(slice, { offset: start, count: slice.length, total: items.length, nextOffset: next });
  };
  // The largest count that fits (binary search: sizes grow with the count).
  let lo = Math.min(1, items.length - start);
  let hi = Math.min(limit, items.length - start);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytesOf(make(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const n = lo;
  let result = make(n);
  for (const cut of [2_000, 500, 120]) {
    if (bytesOf(result) <= maxBytes) break;
    result = make(n, cut);
  }
  return result;
}
