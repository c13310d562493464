import { describe, expect, it } from 'vitest';
import type { IterationRecord } from '../../src/core/record.js';
import { stopAfter } from '../../src/pipeline/loop.js';
import { type TrendRow, trendCharts } from '../../src/worklog/trend.js';

const it_ = (
  iteration: number,
  decision: 'proceed' | 'defer' | null,
  commit: string,
  failing: string[],
): IterationRecord => ({
  iteration,
  startedAt: '2026-11-25T10:00:00.000Z',
  endedAt: '2026-11-25T10:01:00.000Z',
  commit,
  dirty: false,
  phases: [],
  decision: decision ? { decision, reasons: ['r'] } : null,
  failing,
});

describe('stopAfter (the --until-green stop rule)', () => {
  it('stops green on proceed', () =>
    expect(stopAfter(it_(2, 'proceed', 'b', []), it_(1, 'defer', 'a', ['x']), 3, false)?.stop).toBe('green'));
  it('stops with "no progress" on the same commit and the same failures', () => {
    const s = stopAfter(it_(2, 'defer', 'a', ['x']), it_(1, 'defer', 'a', ['x']), 5, false);
    expect(s?.stop).toBe('no-progress');
    expect(s?.reason).toMatch(
      /^no progress: iteration 2 ran on the same commit a with the same 1 failing test/,
    );
  });
  it('goes on when the commit changed, until the maximum', () => {
    expect(stopAfter(it_(2, 'defer', 'b', ['x']), it_(1, 'defer', 'a', ['x']), 3, false)).toBeNull();
    expect(stopAfter(it_(3, 'defer', 'c', ['x']), it_(2, 'defer', 'b', ['x']), 3, false)?.stop).toBe(
      'max-iterations',
    );
  });
  it('stops on interrupt and without a decision', () => {
    expect(stopAfter(it_(1, 'defer', 'a', []), undefined, 3, true)?.stop).toBe('interrupted');
    expect(stopAfter(it_(1, null, 'a', []), undefined, 3, false)?.stop).toBe('no-decision');
  });
});

describe('trendCharts', () => {
  const row = (startedAt: string, passRate: number | null, violations: number | null) =>
    ({ startedAt, passRate, violations }) as TrendRow;
  it('draws pass rate and violations oldest first, leaving out unknown figures', () => {
    const text = trendCharts([
      row('2026-11-25T12:00:00Z', 0.9, 4),
      row('2026-11-25T11:00:00Z', null, 7),
      row('2026-11-25T10:00:00Z', 0.625, 9),
    ]);
    expect(text).toContain('xychart-beta');
    expect(text).toContain('x-axis ["11-25 10:00", "11-25 12:00"]');
    expect(text).toContain('line [62.5, 90]');
    expect(text).toContain('line [9, 7, 4]');
  });
  it('draws nothing with fewer than two points', () =>
    expect(trendCharts([row('2026-11-25T12:00:00Z', 0.9, null)])).toBe(''));
});
