/**
 * Phase 5 stability: gather the evidence (phase results, the diff of base...HEAD, earlier runs),
 * evaluate every criterion, and decide `proceed` or `defer` with reasons.
 */

import { clustersFor } from '../../clustering/cluster.js';
import type { RunRecord } from '../../core/record.js';
import { worstVerdict } from '../../core/states.js';
import { hasTestResults } from '../../decision/compare.js';
import type { DecisionInput } from '../../decision/criteria.js';
import { blocks, decide, evaluateCriteria } from '../../decision/policy.js';
import type { ComplianceSummary } from '../../phase-data/compliance.js';
import { phaseData, phaseResult } from '../../phase-data/index.js';
import { type StabilityData, stabilityDataSchema } from '../../phase-data/stability.js';
import { baseCommit } from '../base.js';
import type { RunContext } from '../context.js';
import type { Phase, PhaseOutcome } from '../phase.js';
import { previousIterationRecord } from './iterations.js';
import { renderStability } from './section.js';
import { gatherWeakening } from './weakening-input.js';

function violationsOf(record: RunRecord | null): number | null {
  // An earlier run's record may lack fields added since: read as partial.
  const data: Partial<ComplianceSummary> | undefined = record ? phaseData(record, 'compliance') : undefined;
  return typeof data?.totalViolations === 'number' ? data.totalViolations : null;
}

async function gather(ctx: RunContext): Promise<DecisionInput> {
  const { record, playbook } = ctx;
  // The base branch and where HEAD left it (phases/base.ts, as phase 4 finds it); then the diff and
  // the weakening evidence ask git side by side.
  const found = await baseCommit(ctx);
  const base = found.branch;
  // Within an --until-green loop the previous comparable run is the previous iteration.
  const previous =
    previousIterationRecord(record) ?? ctx.history.map((h) => h.record).find(hasTestResults) ?? null;
  const [stat, weakening] = await Promise.all([
    found.mergeBase ? ctx.ports.git.diffStat(playbook.repoDir, base, found.mergeBase) : null,
    gatherWeakening(ctx, previous, base, found.mergeBase),
  ]);
  const baseRun =
    ctx.history.map((h) => h.record).find((r) => r.repo.branch === base && hasTestResults(r)) ?? null;
  const notWeakened = playbook.decision.notWeakened;
  const weakeningRequired =
    notWeakened === 'always' ||
    (notWeakened === 'auto' &&
      (record.options.untilGreen || (record.repo.branch !== null && record.repo.branch !== base)));
  return {
    weakening,
    weakeningRequired,
    config: playbook.decision,
    tests: phaseResult(record, 'run-tests'),
    clusters: clustersFor(record),
    compliance: { configured: Boolean(playbook.audit), result: phaseResult(record, 'compliance') },
    deploy: { configured: playbook.services.length > 0, result: phaseResult(record, 'deploy-status') },
    diff: stat
      ? { base, stat }
      : { base, stat: null, reason: `"${base}" does not resolve to a commit in the repository under test` },
    previous,
    baseRun,
    previousClusters: previous ? clustersFor(previous) : [],
    previousViolations: violationsOf(previous),
    currentViolations: violationsOf(record),
    evidence: {
      result: phaseResult(record, 'root-cause'),
      data: phaseResult(record, 'root-cause')?.data?.deployment ?? null,
    },
    sloServices: playbook.services.filter((s) => s.slo).map((s) => s.name),
  };
}

export const stabilityPhase: Phase<StabilityData> = {
  id: 'stability',
  title: 'Stability decision',
  render: renderStability,
  dataSchema: stabilityDataSchema,
  // A dry run measures nothing, so there is nothing to decide on: no decision, and no exit 1 for it.
  safeInDryRun: false,
  needs: [],
  asksBaseCommit: true,
  async plan() {
    return { state: 'skipped', reason: 'dry run: nothing was measured, so there is nothing to decide on' };
  },
  async run(ctx): Promise<PhaseOutcome<StabilityData>> {
    const input = await gather(ctx);
    const criteria = evaluateCriteria(input);
    const decision = decide(criteria);
    // The decision lives at the top of the record: the exit code and the summary read it there.
    ctx.record.decision = decision;
    ctx.logger.info({ decision: decision.decision }, `${decision.decision}: ${decision.reasons[0] ?? ''}`);
    return {
      state: 'completed',
      verdict: worstVerdict(
        criteria
          .filter(blocks)
          .map((c) => c.verdict)
          .concat(criteria.some(blocks) ? [] : ['pass']),
      ),
      reason: `${decision.decision.toUpperCase()}: ${decision.reasons[0] ?? ''}`,
      data: {
        criteria,
        base: input.diff.base,
        comparedWith: { previous: input.previous?.runId ?? null, baseRun: input.baseRun?.runId ?? null },
      },
    };
  },
};
