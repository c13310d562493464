/**
 * The run's headline figures, computed here from the run record, once: the executive summary, the
 * INDEX row, the trend, the CLI and step summaries, the MCP views and the issue bodies read them. The
 * phase sections of the worklog render their own phase's data (`section.ts` beside each phase).
 */

import { percent } from '../core/format.js';
import type { PhaseResult, RunRecord } from '../core/record.js';
import type { Verdict } from '../core/states.js';
import { headlineReasons } from '../decision/headline.js';
import { phaseResult } from '../phase-data/index.js';
import type { RunTestsData, TierResult } from '../phase-data/run-tests.js';
import { type Counts, countCases } from '../results/model.js';

export interface Figures {
  decision: string;
  /**
   * Why, in plain words: on a defer, every required criterion that failed or was inconclusive
   * (failures first, joined by "; "); on proceed, phase 5's first reason.
   */
  decisionReason: string;
  /** Further reasons phase 5 gave that the decision line does not name (0 when none). */
  moreReasons: number;
  counts: Counts;
  passRate: number | null;
  passRateText: string;
  tiers: TierResult[];
  gateOutcome: string;
  /** The gates in one mark for tables (INDEX, trend), from the data, not from the sentence above. */
  gateMark: 'NO-GO' | 'pass' | '–';
  testsVerdict: Verdict | null;
  authenticityErrors: number;
  suitesRun: number;
  /** Suites phase 2 knew of (run or skipped). */
  suitesTotal: number;
  /** Violations from phase 4, null when not measured. */
  violations: number | null;
  /** Change since the latest earlier run that measured violations; null when none did. */
  violationsChange: { previous: number; delta: number; runId: string } | null;
  /** e.g. `34 (43 → 34, −9 since tdl-…)`, or why not measured. */
  violationsNote: string;
  /** Phase 0 in one line: its reason when it ran, else why it did not. */
  deploymentNote: string;
  /** The quarantine in one line (failures not counted, counted again, entries expired); empty without one. */
  quarantineNote: string;
  /** `--until-green`: iterations run, null on a single run. */
  iterations: number | null;
  /** `--until-green`: why the loop stopped (empty on a single run). */
  loopNote: string;
}

function quarantineNote(data: RunTestsData | undefined): string {
  const q = data?.quarantine;
  if (!q) return '';
  const again = q.failures.length - q.notCounted;
  const expired = q.entries.filter((e) => e.expired).length;
  const parts = [
    `${q.notCounted} quarantined failure(s) not counted`,
    ...(again ? [`${again} counted again`] : []),
    ...(expired ? [`${expired} entr${expired === 1 ? 'y' : 'ies'} expired`] : []),
  ];
  return q.failures.length || expired ? parts.join(', ') : '';
}

function skippedWhy(p: PhaseResult | undefined): string {
  if (!p) return 'not in this run';
  return `${p.state}${p.reason ? `: ${p.reason}` : ''}`;
}

/** A change as people write it: `+3`, `−9` (a true minus sign), `±0`. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}

export function figures(record: RunRecord): Figures {
  const tests = phaseResult(record, 'run-tests');
  const data = tests?.data;
  const counts = data?.counts ?? countCases([]);
  const tiers = data?.tiers ?? [];
  const gates = tiers.filter((t) => t.gate);
  // A gate lets later tiers run; it does not make a failing suite green, so the line says both and
  // never reads "all passed" under a decision that failed on a suite.
  const failedSuites = (data?.suites ?? [])
    .filter((s) => s.state !== 'skipped' && s.verdict !== 'pass')
    .map((s) => `${s.id} ${s.verdict === 'fail' ? 'failed' : s.verdict}`);
  const suitesNote = failedSuites.length ? `, but suite(s) ${failedSuites.join(', ')}` : '';
  const gateOutcome = data?.noGo
    ? `NO-GO after tier ${data.noGo.afterTier}: ${data.noGo.reason}; later tiers skipped`
    : gates.length
      ? `all ${gates.length} gate(s) passed${suitesNote}`
      : tests?.state === 'completed'
        ? `no gates configured${suitesNote}`
        : `tests not run (${skippedWhy(tests)})`;
  const gateMark = data?.noGo ? 'NO-GO' : gates.length ? 'pass' : '–';
  const stability = phaseResult(record, 'stability');
  const compliance = phaseResult(record, 'compliance');
  const violations =
    typeof compliance?.data?.totalViolations === 'number' ? compliance.data.totalViolations : null;
  const prev = violations === null ? null : (compliance?.data?.previous ?? null);
  const violationsChange = prev
    ? { previous: prev.totalViolations, delta: violations! - prev.totalViolations, runId: prev.runId }
    : null;
  const deploy = phaseResult(record, 'deploy-status');
  const notPassing = (deploy?.data?.services ?? []).filter((s) => s.verdict !== 'pass');
  const plain = record.decision?.decision === 'defer' ? headlineReasons(record) : [];
  const quarantine = quarantineNote(data);
  return {
    decision: record.decision ? record.decision.decision.toUpperCase() : 'no decision',
    decisionReason: record.decision
      ? `${plain.length ? plain.join('; ') : (record.decision.reasons[0] ?? '')}${quarantine ? ` (quarantine: ${quarantine})` : ''}`
      : `phase 5 not run (${skippedWhy(stability)})`,
    quarantineNote: quarantine,
    moreReasons: plain.length ? 0 : Math.max(0, (record.decision?.reasons.length ?? 0) - 1),
    counts,
    passRate: data?.passRate ?? null,
    passRateText: percent(data?.passRate ?? null),
    tiers,
    gateOutcome,
    gateMark,
    testsVerdict: tests?.verdict ?? null,
    authenticityErrors: (tests?.findings ?? []).filter((f) => f.severity === 'error').length,
    suitesRun: (data?.suites ?? []).filter((s) => s.state !== 'skipped').length,
    suitesTotal: (data?.suites ?? []).length,
    violations,
    violationsChange,
    violationsNote:
      violations === null
        ? `not measured (phase 4 ${skippedWhy(compliance)})`
        : violationsChange
          ? `${violations} (${violationsChange.previous} → ${violations}, ${signed(violationsChange.delta)} since ${violationsChange.runId})`
          : `${violations} (no earlier run of this playbook measured them)`,
    deploymentNote:
      deploy?.state === 'completed'
        ? `${deploy.reason ?? 'checked'}${notPassing.length ? ` (${notPassing.map((s) => `${s.name}: ${s.kind ?? s.verdict}`).join(', ')})` : ''}`
        : `not checked (phase 0 ${skippedWhy(deploy)})`,
    iterations: record.iterations ? record.iterations.length : null,
    loopNote: record.loop
      ? `${record.iterations?.length ?? 0} of at most ${record.loop.maxIterations} iteration(s); ${record.loop.stopReason ?? 'running'}`
      : '',
  };
}
