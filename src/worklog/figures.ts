/**
 * Every number a person sees is computed here, from the run record, once. The executive summary,
 * the phase sections, the index and the CLI summary all read these figures.
 */

import { percent } from '../phases/2-run-tests/gates.js';
import type { RunTestsData, TierResult } from '../phases/2-run-tests/types.js';
import type { ComplianceSummary } from '../phases/4-compliance/types.js';
import { type PhaseResult, phaseResult, type RunRecord } from '../pipeline/record.js';
import type { Verdict } from '../pipeline/states.js';
import { type Counts, countCases } from '../results/model.js';

export interface Figures {
  decision: string;
  decisionReason: string;
  counts: Counts;
  passRate: number | null;
  passRateText: string;
  tiers: TierResult[];
  gateOutcome: string;
  testsVerdict: Verdict | null;
  authenticityErrors: number;
  suitesRun: number;
  /** Violations from phase 4, null when not measured. */
  violations: number | null;
  violationsNote: string;
  /** `--until-green`: iterations run, null on a single run. */
  iterations: number | null;
  /** `--until-green`: why the loop stopped (empty on a single run). */
  loopNote: string;
}

function skippedWhy(p: PhaseResult | undefined): string {
  if (!p) return 'not in this run';
  return `${p.state}${p.reason ? `: ${p.reason}` : ''}`;
}

export function figures(record: RunRecord): Figures {
  const tests = phaseResult<RunTestsData>(record, 'run-tests');
  const data = tests?.data;
  const counts = data?.counts ?? countCases([]);
  const tiers = data?.tiers ?? [];
  const gates = tiers.filter((t) => t.gate);
  const gateOutcome = data?.noGo
    ? `NO-GO after tier ${data.noGo.afterTier}: ${data.noGo.reason}; later tiers skipped`
    : gates.length
      ? `all ${gates.length} gate(s) passed`
      : tests?.state === 'completed'
        ? 'no gates configured'
        : `tests not run (${skippedWhy(tests)})`;
  const stability = phaseResult(record, 'stability');
  const compliance = phaseResult<Partial<ComplianceSummary>>(record, 'compliance');
  const violations =
    typeof compliance?.data?.totalViolations === 'number' ? compliance.data.totalViolations : null;
  return {
    decision: record.decision ? record.decision.decision.toUpperCase() : 'no decision',
    decisionReason: record.decision
      ? (record.decision.reasons[0] ?? '')
      : `phase 5 not run (${skippedWhy(stability)})`,
    counts,
    passRate: data?.passRate ?? null,
    passRateText: percent(data?.passRate ?? null),
    tiers,
    gateOutcome,
    testsVerdict: tests?.verdict ?? null,
    authenticityErrors: (tests?.findings ?? []).filter((f) => f.severity === 'error').length,
    suitesRun: (data?.suites ?? []).filter((s) => s.state !== 'skipped').length,
    violations,
    violationsNote:
      violations === null ? `not measured (phase 4 ${skippedWhy(compliance)})` : String(violations),
    iterations: record.iterations ? record.iterations.length : null,
    loopNote: record.loop
      ? `${record.iterations?.length ?? 0} of at most ${record.loop.maxIterations} iteration(s); ${record.loop.stopReason ?? 'running'}`
      : '',
  };
}
