/**
 * Metric bands of a tested revision, pure: percentiles of a latency distribution, and the verdict of
 * a measured value against a `pass` and an optional `warning` bound, absolute or relative to the
 * serving revision. No data is `inconclusive` (never pass, never 0); a relative bound whose baseline
 * has no data is `inconclusive` too, with that reason.
 */
import type { LatencyDistribution } from '../adapters/observability/port.js';
import type { SloIndicator, SloVerdict, TimeWindow } from '../phase-data/root-cause.js';
import type { Band, Bound } from '../playbook/sections/evidence.js';

/**
 * The p-th percentile (0..1) of a bucketed distribution, interpolated linearly inside its bucket (as
 * Cloud Monitoring's percentile reducers do). Null when the distribution is empty.
 */
export function percentile(d: LatencyDistribution | null, p: number): number | null {
  if (!d || d.count <= 0) return null;
  const target = p * d.count;
  let seen = 0;
  for (let i = 0; i < d.bucketCounts.length; i++) {
    const n = d.bucketCounts[i] ?? 0;
    if (n === 0) continue;
    if (seen + n >= target) {
      const lower = i === 0 ? 0 : (d.bounds[i - 1] ?? 0);
      const upper = d.bounds[i] ?? lower;
      return lower + (upper - lower) * Math.min(1, Math.max(0, (target - seen) / n));
    }
    seen += n;
  }
  return d.bounds[d.bucketCounts.length - 1] ?? null;
}

/** The 5xx share of a revision's requests; null when it served none (no data, not 0%). */
export function errorRate(counts: Record<string, number>): {
  rate: number | null;
  total: number;
  errors: number;
} {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const errors = counts['5xx'] ?? 0;
  return { rate: total > 0 ? errors / total : null, total, errors };
}

const LABEL: Record<SloIndicator, string> = { 'error-rate': '5xx', p50: 'p50', p95: 'p95', p99: 'p99' };

export function formatValue(indicator: SloIndicator, value: number): string {
  if (indicator === 'error-rate') {
    const pct = value * 100;
    return `${pct >= 10 || pct === 0 ? pct.toFixed(pct === 0 ? 0 : 1) : pct.toFixed(pct < 1 ? 2 : 1)}%`;
  }
  return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${Math.round(value)}ms`;
}

/** The limit a bound sets: the value itself, or the baseline raised by the relative share. */
function limitOf(bound: Bound, baseline: number | null): number | null {
  if (!bound.relative) return bound.value;
  return baseline === null ? null : baseline * (1 + bound.value);
}

function within(value: number, bound: Bound, limit: number): boolean {
  return bound.op === '<' ? value < limit : value <= limit;
}

export interface Measured {
  service: string;
  revision: string;
  indicator: SloIndicator;
  value: number | null;
  /** Why `value` is null (e.g. `no requests in the window`). */
  noData?: string;
  /** The serving revision's value for relative bounds (null: no data; undefined: no baseline). */
  baseline?: { revision: string; value: number | null } | null;
  /** Why there is no baseline revision to compare with. */
  noBaseline?: string;
  window: TimeWindow;
}

/** The verdict of one measured indicator against its band, with the line the decision shows. */
export function judge(m: Measured, band: Band): SloVerdict {
  const label = LABEL[m.indicator];
  const windowText = `${m.window.start}..${m.window.end}`;
  const base = { service: m.service, revision: m.revision, indicator: m.indicator, window: m.window };
  const inconclusive = (why: string): SloVerdict => ({
    ...base,
    verdict: 'inconclusive',
    value: m.value,
    bound: band.pass.text,
    text: `${m.service}: ${label} ${why} (bound ${band.pass.text}, window ${windowText})`,
  });
  if (m.value === null) return inconclusive(`no data: ${m.noData ?? 'no points in the window'}`);
  const value = formatValue(m.indicator, m.value);
  const needsBaseline = band.pass.relative || band.warning?.relative;
  let baselineValue: number | null = null;
  if (needsBaseline) {
    if (!m.baseline)
      return inconclusive(
        `${value}: no serving revision to compare with (${m.noBaseline ?? 'none other than the tested one'})`,
      );
    if (m.baseline.value === null)
      return inconclusive(
        `${value}: the serving revision ${m.baseline.revision} has no data to compare with`,
      );
    baselineValue = m.baseline.value;
  }
  const against = (b: Bound) =>
    b.relative && baselineValue !== null
      ? `${b.text} of ${m.baseline!.revision}'s ${formatValue(m.indicator, baselineValue)}`
      : b.text;
  const passLimit = limitOf(band.pass, baselineValue)!;
  const measured = { ...base, value: m.value, ...(needsBaseline ? { baseline: baselineValue } : {}) };
  if (within(m.value, band.pass, passLimit))
    return {
      ...measured,
      verdict: 'pass',
      bound: band.pass.text,
      text: `${m.service}: ${label} ${value} within ${against(band.pass)} (window ${windowText})`,
    };
  const over = m.value > passLimit ? '>' : '>=';
  const failText = `${m.service}: ${label} ${value} ${over} ${band.pass.relative ? formatValue(m.indicator, passLimit) : band.pass.text.replace(/^<=?\s*/, '')}`;
  if (band.warning && within(m.value, band.warning, limitOf(band.warning, baselineValue)!))
    return {
      ...measured,
      verdict: 'warning',
      bound: band.warning.text,
      text: `${failText} (warning: within ${against(band.warning)}; window ${windowText})`,
    };
  return {
    ...measured,
    verdict: 'fail',
    bound: band.pass.text,
    text: `${failText} (bound ${against(band.pass)}${band.warning ? `, warning ${against(band.warning)}` : ''}; window ${windowText})`,
  };
}
