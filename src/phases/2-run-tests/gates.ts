/** Pure roll-up of a tier and its gate. */

import { percent } from '../../core/format.js';
import type { GateResult, SuiteResult } from '../../phase-data/run-tests.js';
import type { GateConfig } from '../../playbook/sections/suites.js';
import { addCounts, type Counts, passRate } from '../../results/model.js';

/**
 * Applies a tier's gate. Unknown is never pass: with no executed test the gate is `inconclusive`;
 * with a suite that could not finish, a rate that already misses the bar is `fail`, else `inconclusive`.
 */
export function evaluateGate(suites: readonly SuiteResult[], gate: GateConfig): GateResult {
  const counts = addCounts(...suites.map(countedCounts));
  const rate = passRate(counts);
  const unfinished = suites.filter((s) => s.state !== 'completed');
  const bar = percent(gate.minPassRate);
  if (rate === null) {
    return {
      ...gate,
      passRate: null,
      verdict: 'inconclusive',
      reason: `no test executed in tier ${gate.afterTier}; needs ${bar}`,
    };
  }
  const kept = suites.reduce(
    (n, s) => n + (s.quarantined ? s.quarantined.failed + s.quarantined.errored : 0),
    0,
  );
  const measured = `${percent(rate)} (${counts.passed}/${counts.passed + counts.failed + counts.errored}${kept ? `; ${kept} quarantined failure(s) not counted` : ''})`;
  if (rate < gate.minPassRate) {
    return { ...gate, passRate: rate, verdict: 'fail', reason: `pass rate ${measured} is below ${bar}` };
  }
  if (unfinished.length > 0) {
    return {
      ...gate,
      passRate: rate,
      verdict: 'inconclusive',
      reason: `pass rate ${measured} meets ${bar}, but ${unfinished.map((s) => `${s.id} ${s.state}`).join(', ')}`,
    };
  }
  return { ...gate, passRate: rate, verdict: 'pass', reason: `pass rate ${measured} meets ${bar}` };
}

/** A suite's counts without the failures its quarantine keeps out (what gates and verdicts count). */
export function countedCounts(s: Pick<SuiteResult, 'counts' | 'quarantined'>): Counts {
  const q = s.quarantined;
  if (!q) return s.counts;
  return {
    ...s.counts,
    failed: s.counts.failed - q.failed,
    errored: s.counts.errored - q.errored,
    total: s.counts.total - q.failed - q.errored,
  };
}

/**
 * A suite with its quarantined failures set apart: a suite that failed only by quarantined tests
 * passes (or is inconclusive when nothing else executed); its reason says how many were not counted.
 */
export function withQuarantine(
  s: SuiteResult,
  q: { failed: number; errored: number } | undefined,
): SuiteResult {
  if (!q || q.failed + q.errored === 0) return s;
  const note = `${q.failed + q.errored} quarantined failure(s) not counted`;
  const out: SuiteResult = { ...s, quarantined: q, reason: s.reason ? `${s.reason}; ${note}` : note };
  if (s.state !== 'completed' || s.verdict !== 'fail') return out;
  const c = countedCounts(out);
  if (c.failed + c.errored > 0) return out;
  return c.passed > 0
    ? { ...out, verdict: 'pass', reason: `${c.passed} passed of ${c.total} counted; ${note}` }
    : { ...out, verdict: 'inconclusive', reason: `no counted test executed; ${note}` };
}
