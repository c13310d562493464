/** Pure roll-up of a tier and its gate. */
import type { GateConfig } from '../../playbook/sections/suites.js';
import { addCounts, passRate } from '../../results/model.js';
import type { GateResult, SuiteResult } from './types.js';

export function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/**
 * Applies a tier's gate. Unknown is never pass: with no executed test the gate is `inconclusive`;
 * with a suite that could not finish, a rate that already misses the bar is `fail`, else `inconclusive`.
 */
export function evaluateGate(suites: readonly SuiteResult[], gate: GateConfig): GateResult {
  const counts = addCounts(...suites.map((s) => s.counts));
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
  const measured = `${percent(rate)} (${counts.passed}/${counts.passed + counts.failed + counts.errored})`;
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
