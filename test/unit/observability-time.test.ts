import { describe, expect, it } from 'vitest';
import { isoOf } from '../../src/adapters/observability/log-page.js';

describe('isoOf (a log entry timestamp as RFC 3339)', () => {
  it('is toISOString to the millisecond, each second formatted once, nanos truncated', () => {
    const seconds = [
      0, 59, 60, 1772359199, 1772359200, 1772359200, 1772359201, 951782399, 951782400, 4102444799,
    ];
    for (const s of seconds)
      for (const ms of [0, 1, 9, 10, 99, 100, 500, 999])
        expect(isoOf(s, ms * 1e6 + 999_999), `${s}.${ms}`).toBe(new Date(s * 1000 + ms).toISOString());
    // Entries out of order (a cached second must not leak into another).
    expect(isoOf(1772359201, 0)).toBe('2026-03-01T10:00:01.000Z');
    expect(isoOf(1772359200, 5e8)).toBe('2026-03-01T10:00:00.500Z');
  });

  it('formats the unusual whole: before 1970, beyond year 9999, out-of-range nanos', () => {
    expect(isoOf(-1, 5e8)).toBe(new Date(-1000 + 500).toISOString());
    expect(isoOf(253402300800, 0)).toBe(new Date(253402300800000).toISOString());
    expect(isoOf(10, 2e9)).toBe(new Date(12000).toISOString());
  });
});
