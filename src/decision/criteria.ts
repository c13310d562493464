/**
 * The stability criteria, each a pure function from measured evidence to a verdict. Unknown is never
 * pass: a part that is configured but could not be measured is `inconclusive`. A part the playbook
 * does not configure at all (no services, no audit section) is "not applicable" and does not block.
 */

import type { DiffStat } from '../adapters/git/history.js';
import { percent } from '../core/format.js';
import type { PhaseEntry, PhaseResult, RunRecord } from '../core/record.js';
import { compareVerdicts, type Verdict, worstVerdict } from '../core/states.js';
import type { ComplianceSummary } from '../phase-data/compliance.js';
import { dataOf, phaseData } from '../phase-data/index.js';
import type { DeploymentEvidence, FailureCluster, SloVerdict } from '../phase-data/root-cause.js';
import type { CriterionResult } from '../phase-data/stability.js';
import type { CriterionId, DecisionConfig } from '../playbook/sections/decision.js';
import { comparableTests, runLabel, testKey, testStatuses } from './compare.js';
import { findWeakenings, type WeakeningInput } from './weakening.js';

/** Phase results as the criteria read them (loosely typed: phases 0 and 4 may be absent or partial). */
export interface DecisionInput {
  config: DecisionConfig;
  tests: PhaseEntry<'run-tests'> | undefined;
  clusters: FailureCluster[];
  compliance: { configured: boolean; result: PhaseResult | undefined };
  deploy: { configured: boolean; result: PhaseResult | undefined };
  /** The diff of base...HEAD; `stat` null with `reason` when it could not be measured. */
  diff: { base: string; stat: DiffStat | null; reason?: string };
  /** The previous comparable run of this playbook (tests ran), newest first. */
  previous: RunRecord | null;
  /** The newest earlier run on the base branch. */
  baseRun: RunRecord | null;
  /** Clusters of the previous comparable run. */
  previousClusters: FailureCluster[];
  previousViolations: number | null;
  currentViolations: number | null;
  /** Phase 3's reads of the tested revisions' logs and metrics; null when phase 3 did not read them. */
  evidence?: { result: PhaseResult | undefined; data: DeploymentEvidence | null };
  /** Services with `slo` in the playbook (their bands must be measured for deployment-healthy to pass). */
  sloServices?: string[];
  /** What tests-not-weakened compares (null: phase 2 has no results); optional for older callers. */
  weakening?: WeakeningInput | null;
  /** tests-not-weakened is required for this run (see `decision.notWeakened`). */
  weakeningRequired?: boolean;
}

/** A criterion's result before the policy marks it required or not. */
export type Evaluated = Omit<CriterionResult, 'required'>;

const result = (id: CriterionId, verdict: Verdict, evidence: string[], applicable = true): Evaluated => ({
  id,
  verdict,
  evidence,
  ...(applicable ? {} : { applicable: false }),
});

function notMeasured(id: CriterionId, what: string, p: PhaseResult | undefined): Evaluated {
  const why = p ? `${p.state}${p.reason ? `: ${p.reason}` : ''}` : 'not in this run';
  return result(id, 'inconclusive', [`${what} not measured (${why})`]);
}

export function testsAuthentic(input: DecisionInput): Evaluated {
  const t = input.tests;
  if (t?.state !== 'completed' || !t.data) return notMeasured('tests-authentic', 'phase 2: tests', t);
  const errors = t.findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    return result(
      'tests-authentic',
      'fail',
      errors.map((f) => `phase 2: \`${f.kind}\`${f.subject ? ` in ${f.subject}` : ''}: ${f.message}`),
    );
  }
  const finished = t.data.suites.filter((s) => s.state === 'completed');
  if (finished.length === 0) return result('tests-authentic', 'inconclusive', ['phase 2: no suite finished']);
  const executed = t.data.counts.passed + t.data.counts.failed + t.data.counts.errored;
  const warnings = t.findings.filter((f) => f.severity === 'warning');
  return result('tests-authentic', 'pass', [
    `phase 2: ${executed} executed test(s) in ${finished.length} finished suite(s), no authenticity error finding`,
    ...(warnings.length
      ? [`phase 2: ${warnings.length} warning(s): ${[...new Set(warnings.map((f) => f.kind))].join(', ')}`]
      : []),
  ]);
}

/**
 * Gates decide whether later tiers run; they do not make a failing suite green. So this passes when
 * every configured gate passed and no suite that ran failed.
 */
export function gatesPassed(input: DecisionInput): Evaluated {
  const t = input.tests;
  if (t?.state !== 'completed' || !t.data) return notMeasured('gates-passed', 'phase 2: tests', t);
  const gates = t.data.tiers.flatMap((tier) => (tier.gate ? [tier.gate] : []));
  if (t.data.noGo) {
    const failed = gates.find((g) => g.verdict !== 'pass');
    return result('gates-passed', failed?.verdict === 'fail' ? 'fail' : 'inconclusive', [
      `phase 2: NO-GO after tier ${t.data.noGo.afterTier}: ${t.data.noGo.reason}`,
    ]);
  }
  const ran = t.data.suites.filter((s) => s.state !== 'skipped');
  if (ran.length === 0) return result('gates-passed', 'inconclusive', ['phase 2: no suite ran']);
  const bad = ran.filter((s) => s.verdict !== 'pass');
  const gateLines = gates.map((g) => `phase 2: gate after tier ${g.afterTier}: ${g.verdict}: ${g.reason}`);
  const suiteLines = bad.map(
    (s) => `phase 2: suite \`${s.id}\` is ${s.verdict}${s.reason ? ` (${s.reason})` : ''}`,
  );
  const verdicts = [...gates.map((g) => g.verdict), ...ran.map((s) => s.verdict)];
  const verdict = worstVerdict(verdicts);
  if (verdict === 'pass')
    return result('gates-passed', 'pass', [
      `phase 2: ${gates.length ? `all ${gates.length} gate(s) passed and ` : 'no gates configured; '}all ${ran.length} suite(s) that ran passed`,
    ]);
  return result('gates-passed', verdict, [...suiteLines, ...gateLines]);
}

export function noRegressions(input: DecisionInput): Evaluated {
  const t = input.tests;
  if (t?.state !== 'completed' || !t.data) return notMeasured('no-regressions', 'phase 2: tests', t);
  const baselines = [input.previous, input.baseRun].filter(
    (r, i, all): r is RunRecord => r !== null && all.findIndex((o) => o?.runId === r.runId) === i,
  );
  const now = comparableTests(t.data);
  // Failures of quarantined tests (entry in force, test not broken) are listed, not counted.
  const held = (t.data.quarantine?.failures ?? []).filter((f) => !f.counted);
  for (const f of held) now.delete(f.id);
  const heldLine = held.length
    ? [`quarantined, listed not counted: ${held.map((f) => `\`${f.label}\` (${f.owner})`).join('; ')}`]
    : [];
  const failingNow = [...now.values()].filter((s) => s.status === 'failed' || s.status === 'errored');
  const flakyNow = [...now.values()].filter((s) => s.flaky && s.status === 'passed');
  // With no failing test nothing can have regressed, whatever the history (flaky ones aside).
  if (failingNow.length === 0 && (flakyNow.length === 0 || input.config.flaky !== 'fail')) {
    return result('no-regressions', 'pass', [
      `phase 2: no ${held.length ? 'counted ' : ''}test fails or errors, so none regressed`,
      ...(flakyNow.length ? [`flaky, listed not counted: ${flakyNow.map((s) => s.label).join('; ')}`] : []),
      ...heldLine,
    ]);
  }
  if (baselines.length === 0) {
    return result('no-regressions', 'inconclusive', [
      `no earlier run of this playbook with test results, and none on \`${input.diff.base}\`, in the worklog folder`,
    ]);
  }
  const passedBefore = new Map<string, string>();
  const flakyBefore = new Set<string>();
  for (const run of baselines) {
    for (const [key, s] of testStatuses(run)) {
      if (s.status === 'passed' && !passedBefore.has(key)) passedBefore.set(key, run.runId);
      if (s.flaky) flakyBefore.add(key);
    }
  }
  const regressions: string[] = [];
  const flaky: string[] = [];
  for (const [key, s] of now) {
    const was = passedBefore.get(key);
    const failing = s.status === 'failed' || s.status === 'errored';
    if (s.flaky && !failing) {
      if (input.config.flaky === 'fail' && was) regressions.push(`${s.label}: passed only on retry (flaky)`);
      else flaky.push(s.label);
      continue;
    }
    if (!failing || !was) continue;
    if (flakyBefore.has(key) && input.config.flaky !== 'fail') flaky.push(`${s.label} (flaky before)`);
    else regressions.push(`${s.label}: passed in ${was}, now ${s.status}`);
  }
  const against = `compared with ${baselines.map(runLabel).join(' and ')}`;
  const flakyLine = flaky.length ? [`flaky, listed not counted: ${flaky.join('; ')}`] : [];
  if (regressions.length)
    return result('no-regressions', 'fail', [
      `${regressions.length} regression(s) ${against}`,
      ...regressions,
      ...flakyLine,
      ...heldLine,
    ]);
  return result('no-regressions', 'pass', [
    `no test that passed before fails now (${against})`,
    ...flakyLine,
    ...heldLine,
  ]);
}

export function noNewViolations(input: DecisionInput): Evaluated {
  const { configured, result: p } = input.compliance;
  if (!configured)
    return result('no-new-violations', 'inconclusive', ['no `audit` section in the playbook'], false);
  const data: Partial<ComplianceSummary> | undefined =
    p?.state === 'completed' ? dataOf(p, 'compliance') : undefined;
  if (!data) return notMeasured('no-new-violations', 'phase 4: compliance', p);
  const introduced = typeof data.introducedCount === 'number' ? data.introducedCount : null;
  const sinceBaseline = typeof data.newSinceBaselineCount === 'number' ? data.newSinceBaselineCount : null;
  const count = introduced ?? sinceBaseline;
  const what = introduced !== null ? 'introduced since the base' : 'new since the baseline';
  if (count === null)
    return result('no-new-violations', 'inconclusive', [
      `phase 4: neither a base nor a baseline was compared${data.baseNote ? ` (${data.baseNote})` : ''}, so new violations are unknown; \`tdl audit --update-baseline\` writes a baseline`,
    ]);
  return result('no-new-violations', count === 0 ? 'pass' : 'fail', [
    `phase 4: ${count} violation(s) ${what}`,
  ]);
}

export function atomicChange(input: DecisionInput): Evaluated {
  const { stat, base, reason } = input.diff;
  if (!stat)
    return result('atomic-change', 'inconclusive', [
      `diff ${base}...HEAD not measured: ${reason ?? 'unknown'}`,
    ]);
  const { maxFiles, maxLines, maxAreas } = input.config.atomicChange;
  const checks = [
    { ok: stat.files.length <= maxFiles, line: `${stat.files.length} file(s) changed (max ${maxFiles})` },
    { ok: stat.lines <= maxLines, line: `${stat.lines} line(s) changed (max ${maxLines})` },
    {
      ok: stat.areas.length <= maxAreas,
      line: `${stat.areas.length} top-level area(s)${stat.areas.length ? `: ${stat.areas.join(', ')}` : ''} (max ${maxAreas})`,
    },
  ];
  const source = `git diff ${base}...HEAD (merge base ${stat.mergeBase.slice(0, 12)})`;
  return result(
    'atomic-change',
    checks.every((c) => c.ok) ? 'pass' : 'fail',
    checks.map((c) => `${source}: ${c.line}${c.ok ? '' : ' — over the limit'}`),
  );
}

interface ServiceLike {
  name?: string;
  verdict?: Verdict;
  reason?: string;
}

/** The metric bands of the services that have `slo`, or why they were not measured. */
function sloLines(input: DecisionInput): { verdict: Verdict | 'warning'; line: string }[] {
  const wanted = input.sloServices ?? [];
  if (wanted.length === 0) return [];
  const data = input.evidence?.data;
  if (!data) {
    const p = input.evidence?.result;
    const why = p ? `${p.state}${p.reason ? `: ${p.reason}` : ''}` : 'not in this run';
    return [
      {
        verdict: 'inconclusive',
        line: `phase 3: metric bands of ${wanted.join(', ')} not measured (${why})`,
      },
    ];
  }
  return data.slo.map((v: SloVerdict) => ({ verdict: v.verdict, line: v.text }));
}

/**
 * Ready, fresh and serving (phase 0) and within the metric bands (phase 3). A band's `warning` is
 * shown and does not block; no data is inconclusive. The lines that decided it come first: the
 * decision's reason is a criterion's first line ("frontend: 5xx 4.8% > 1%").
 */
export function deploymentHealthy(input: DecisionInput): Evaluated {
  const { configured, result: p } = input.deploy;
  if (!configured)
    return result('deployment-healthy', 'inconclusive', ['no `services` in the playbook'], false);
  const services: ServiceLike[] | undefined =
    p?.state === 'completed' ? dataOf(p, 'deploy-status')?.services : undefined;
  if (!services?.length) return notMeasured('deployment-healthy', 'phase 0: deployment status', p);
  const rank = (v: Verdict | 'warning') => ({ fail: 0, inconclusive: 1, warning: 2, pass: 3 })[v] ?? 1;
  const lines = [
    ...sloLines(input),
    ...services.map((s) => ({
      verdict: s.verdict ?? 'inconclusive',
      line: `phase 0: ${s.name ?? '?'}: ${s.verdict ?? 'inconclusive'}${s.reason ? ` (${s.reason})` : ''}`,
    })),
  ];
  // A stable sort: within a verdict, metric bands first (they are why a Ready revision is not healthy).
  lines.sort((a, b) => rank(a.verdict) - rank(b.verdict));
  const verdicts = lines.map((l) => (l.verdict === 'warning' ? 'pass' : l.verdict));
  const verdict = worstVerdict(verdicts);
  return result(
    'deployment-healthy',
    verdict,
    lines.map((l) => l.line),
  );
}

/**
 * The tested revision logged no error signature that its baseline (the serving revision, or the
 * previous one over a window of the same length) did not log. Unknown baselines are inconclusive.
 */
export function noNewErrors(input: DecisionInput): Evaluated {
  if (!input.deploy.configured)
    return result('no-new-errors', 'inconclusive', ['no `services` in the playbook'], false);
  const data = input.evidence?.data;
  if (!data)
    return notMeasured('no-new-errors', "phase 3: the tested revisions' logs", input.evidence?.result);
  if (data.logs.length === 0)
    return result('no-new-errors', 'inconclusive', [
      "phase 3: no tested revision's logs were read (none enabled)",
    ]);
  const lines: { verdict: Verdict; line: string }[] = data.logs.map((s) => {
    if (s.state !== 'read')
      return {
        verdict: 'inconclusive',
        line: `${s.service}: logs of ${s.revision} not read: ${s.reason}${s.hint ? ` — ${s.hint}` : ''}`,
      };
    if (!s.baseline)
      return {
        verdict: 'inconclusive',
        line: `${s.service}: no revision to compare with (${s.noBaseline ?? 'unknown'})`,
      };
    if (s.baseline.state !== 'read')
      return {
        verdict: 'inconclusive',
        line: `${s.service}: logs of ${s.baseline.revision} not read: ${s.baseline.reason}${s.baseline.hint ? ` — ${s.baseline.hint}` : ''}`,
      };
    const fresh = s.newSignatures ?? [];
    if (fresh.length)
      return {
        verdict: 'fail',
        line: `${s.service}: ${fresh.length} error signature(s) logged by ${s.revision} and not by ${s.baseline.revision}: ${fresh
          .slice(0, 3)
          .map((x) => `\`${x}\``)
          .join(', ')}${fresh.length > 3 ? ', …' : ''}`,
      };
    return {
      verdict: 'pass',
      line: `${s.service}: ${s.groups.length} error signature(s) in ${s.revision}, none new vs ${s.baseline.revision} (${s.baseline.why})`,
    };
  });
  lines.sort((a, b) => compareVerdicts(a.verdict, b.verdict));
  const verdict = worstVerdict(lines.map((l) => l.verdict));
  return result(
    'no-new-errors',
    verdict,
    lines.map((l) => l.line),
  );
}

export function demonstrableImprovement(input: DecisionInput): Evaluated {
  const t = input.tests;
  if (t?.state !== 'completed' || !t.data)
    return notMeasured('demonstrable-improvement', 'phase 2: tests', t);
  const prev = input.previous;
  if (!prev)
    return result('demonstrable-improvement', 'inconclusive', [
      'no earlier run of this playbook with test results to compare with',
    ]);
  const before = phaseData(prev, 'run-tests')?.passRate ?? null;
  const now = t.data.passRate;
  const evidence: string[] = [];
  let improved = false;
  if (before !== null && now !== null) {
    evidence.push(`pass rate ${percent(before)} in ${prev.runId} → ${percent(now)} now`);
    if (now > before) improved = true;
  } else
    evidence.push(`pass rate ${percent(before)} in ${prev.runId} → ${percent(now)} now (not comparable)`);
  if (input.previousViolations !== null && input.currentViolations !== null) {
    evidence.push(`violations ${input.previousViolations} → ${input.currentViolations}`);
    if (input.currentViolations < input.previousViolations) improved = true;
  }
  const nowTests = comparableTests(t.data);
  const current = new Set(input.clusters.map((c) => c.id));
  // A flaky pass never counts as a fix: a pass on retry, or a pass of a test its history calls flaky.
  const unhealthy = new Set((t.data.health?.tests ?? []).map((h) => h.id));
  const fixedNow = (key: string) => {
    const o = nowTests.get(key);
    return o?.status === 'passed' && !o.flaky && !unhealthy.has(key);
  };
  const fixed = input.previousClusters.filter(
    (c) =>
      !current.has(c.id) &&
      c.tests.length > 0 &&
      c.tests.every((x) => fixedNow(testKey(x.suiteId, x.group, x.name))),
  );
  if (fixed.length) {
    improved = true;
    evidence.push(
      ...fixed.map(
        (c) =>
          `cluster \`${c.id}\` (${c.title}) failed in ${prev.runId}; its ${c.tests.length} test(s) pass now`,
      ),
    );
  }
  return result(
    'demonstrable-improvement',
    improved ? 'pass' : 'fail',
    improved ? evidence : [`no measured improvement over ${prev.runId}`, ...evidence],
  );
}

export function testsNotWeakened(input: DecisionInput): Evaluated {
  const w = input.weakening;
  if (!w) return notMeasured('tests-not-weakened', 'phase 2: tests', input.tests);
  const found = findWeakenings(w);
  if (found.length)
    return result('tests-not-weakened', 'fail', [
      `${found.length} weakening(s) of the tests`,
      ...found.map((x) => `${x.against}: ${x.message}`),
    ]);
  const compared: string[] = [];
  if (w.previous)
    compared.push(`previous run ${w.previous.runId} (tests${w.previous.policy ? ', playbook' : ''})`);
  if (w.base?.changes)
    compared.push(
      `base ${w.base.ref} (${w.base.changes.length} changed test file(s)${w.base.policy ? ', playbook' : ''})`,
    );
  if (compared.length === 0)
    return result('tests-not-weakened', 'inconclusive', [
      `nothing to compare with: no earlier run with test results${w.base?.policyNote ? `; ${w.base.policyNote}` : ''}`,
    ]);
  return result('tests-not-weakened', 'pass', [
    `no test vanished, skipped, narrowed or lost assertions against ${compared.join(' and ')}`,
    ...(w.base?.policyNote ? [`not compared: ${w.base.policyNote}`] : []),
  ]);
}

export const CRITERION_EVALUATORS: Record<CriterionId, (input: DecisionInput) => Evaluated> = {
  'tests-authentic': testsAuthentic,
  'gates-passed': gatesPassed,
  'no-regressions': noRegressions,
  'no-new-violations': noNewViolations,
  'atomic-change': atomicChange,
  'deployment-healthy': deploymentHealthy,
  'no-new-errors': noNewErrors,
  'demonstrable-improvement': demonstrableImprovement,
  'tests-not-weakened': testsNotWeakened,
};
