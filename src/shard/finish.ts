/**
 * `tdl merge --tier T` and `tdl merge --finish`: the merge steps of a sharded run.
 *
 * A tier's merge says go or no-go for the next tier. The finish merges every tier in order (a tier
 * after a NO-GO is skipped, as phase 2 skips it), puts the result in the run record as phase 2, and
 * runs phases 3-6 once: one worklog, one history line, one publish, with the counts an unsharded run
 * of the same tests gives.
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Finding, PhaseEntry, RunOptions, RunRecord } from '../core/record.js';
import { policyOf } from '../decision/weakening.js';
import { testHealth } from '../history/health.js';
import { loadHistory } from '../history/step.js';
import type { RunTestsData, ShardingData, SuiteResult, TierResult } from '../phase-data/run-tests.js';
import { rollUp, skippedSuite } from '../phases/2-run-tests/index.js';
import { finishRun, type SessionOptions } from '../pipeline/session.js';
import type { Playbook } from '../playbook/load.js';
import { systemClock } from '../telemetry/clock.js';
import { readPartials } from './collect.js';
import { type PlanDocument, type ReadPartial, readPlan } from './document.js';
import { mergeTier, type SuiteInfo, type TierMerge } from './merge.js';
import { shardPlaybook } from './shard-run.js';

function suiteInfo(playbook: Playbook): Map<string, SuiteInfo> {
  return new Map(playbook.suites.map((s) => [s.id, { categories: s.categories, command: s.command }]));
}

/** The merge of one tier from partial files (cases dropped: the gate needs counts only). */
export function mergeTierFiles(
  planFile: string,
  tier: number,
  files: readonly string[],
  opts: { playbook?: string; cwd?: string } = {},
): { plan: PlanDocument; merge: TierMerge } {
  const cwd = opts.cwd ?? process.cwd();
  const plan = readPlan(resolve(cwd, planFile));
  const tierPlan = plan.tiers.find((t) => t.tier === tier);
  if (!tierPlan)
    throw new UsageError(
      'ETIER',
      `--tier ${tier}: the plan has tier(s) ${plan.tiers.map((t) => t.tier).join(', ')}`,
    );
  const playbook = shardPlaybook(plan, opts.playbook, cwd);
  const gate = playbook.gates.find((g) => g.afterTier === tier);
  const merge = mergeTier(
    plan,
    tierPlan,
    readPartials(
      files.map((f) => resolve(cwd, f)),
      false,
    ),
    gate,
    suiteInfo(playbook),
  );
  return { plan, merge };
}

/** Each partial in the group of its tier; one that names no tier of the plan is unusable. */
function byTier(plan: PlanDocument, reads: readonly ReadPartial[]): Map<number, ReadPartial[]> {
  const groups = new Map<number, ReadPartial[]>(plan.tiers.map((t) => [t.tier, []]));
  const first = plan.tiers[0]?.tier ?? 1;
  for (const r of reads) {
    if ('partial' in r && groups.has(r.partial.tier)) groups.get(r.partial.tier)!.push(r);
    else if ('partial' in r)
      groups.get(first)?.push({ file: r.file, problem: `tier ${r.partial.tier} is not in the plan` });
    // Unreadable: its tier is unknown; it counts against the first tier (unknown is never pass).
    else groups.get(first)?.push(r);
  }
  return groups;
}

export interface MergedRun {
  data: RunTestsData;
  phase: PhaseEntry<'run-tests'>;
  merges: TierMerge[];
}

/** Phase 2 of a sharded run, from the plan and every partial. */
export function mergeRun(
  plan: PlanDocument,
  playbook: Playbook,
  reads: readonly ReadPartial[],
  endedAt: Date,
): MergedRun {
  const groups = byTier(plan, reads);
  const info = suiteInfo(playbook);
  const results: SuiteResult[] = [];
  const tiers: TierResult[] = [];
  const merges: TierMerge[] = [];
  const findings: Finding[] = [];
  let noGo: RunTestsData['noGo'] = null;
  // A NO-GO because a tier is incomplete is unknown, not a failure: the verdict stays inconclusive.
  let incompleteNoGo = false;
  for (const t of plan.tiers) {
    if (noGo) {
      const reason = `NO-GO: the gate after tier ${noGo.afterTier} did not pass (${noGo.reason})`;
      results.push(...t.suites.map((id) => skippedSuite({ id, tier: t.tier, ...info.get(id)! }, reason)));
      tiers.push({
        tier: t.tier,
        state: 'skipped',
        reason,
        suites: [...t.suites],
        counts: rollUp([], [], null).counts,
        passRate: null,
        gate: null,
      });
      continue;
    }
    const m = mergeTier(
      plan,
      t,
      groups.get(t.tier) ?? [],
      playbook.gates.find((g) => g.afterTier === t.tier),
      info,
    );
    merges.push(m);
    results.push(...m.suites);
    tiers.push(m.result);
    findings.push(...m.findings.map((f) => ({ ...f, message: `tier ${t.tier}: ${f.message}` })));
    if (!m.go) {
      noGo = { afterTier: t.tier, reason: m.result.gate?.reason ?? m.result.reason ?? 'incomplete' };
      incompleteNoGo = !m.complete;
    }
  }
  const sharding: ShardingData = {
    shards: plan.shards,
    planDigest: plan.digest,
    tiers: merges.map((m) => ({
      tier: m.tier,
      rows: m.rows,
      balance: m.balance,
      plannedRatio: m.plannedRatio,
    })),
  };
  const roll = rollUp(results, tiers, incompleteNoGo ? null : noGo);
  if (incompleteNoGo && noGo) roll.reason += `; NO-GO after tier ${noGo.afterTier} (incomplete)`;
  const data: RunTestsData = {
    tiers,
    suites: results,
    counts: roll.counts,
    passRate: roll.passRate,
    noGo,
    health: testHealth(plan.runId, results, loadHistory(playbook, plan.runId).testHistory, playbook.flaky),
    policy: policyOf(playbook),
    sharding,
  };
  const phase: PhaseEntry<'run-tests'> = {
    id: 'run-tests',
    index: 2,
    title: 'Test execution',
    state: 'completed',
    verdict: roll.verdict,
    reason: `${roll.reason}; ${plan.shards} shard(s)`,
    startedAt: plan.createdAt,
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - Date.parse(plan.createdAt),
    data,
    findings: [...results.flatMap((r) => r.findings), ...findings],
  };
  return { data, phase, merges };
}

/** `tdl merge --finish`: phase 2 merged from every partial, then phases 3-6 run once. */
export async function finishFromFiles(
  planFile: string,
  files: readonly string[],
  options: {
    publish: RunOptions['publish'];
    playbook?: string;
    /** What the executor saw (e.g. Cloud Run Jobs tasks that failed), added to phase 2's findings. */
    findings?: Finding[];
  },
  session: SessionOptions,
): Promise<RunRecord> {
  const cwd = session.cwd ?? process.cwd();
  const plan = readPlan(resolve(cwd, planFile));
  const playbook = shardPlaybook(plan, options.playbook, cwd);
  const reads = readPartials(
    files.map((f) => resolve(cwd, f)),
    true,
  );
  const { phase } = mergeRun(plan, playbook, reads, systemClock.now());
  phase.findings.push(...(options.findings ?? []));
  return finishRun(
    playbook,
    {
      runId: plan.runId,
      startedAt: plan.createdAt,
      options: {
        focus: plan.focus,
        deploy: false,
        dryRun: false,
        publish: options.publish,
        only: null,
        untilGreen: false,
        maxIterations: 1,
      },
      phases: [...plan.phases, phase],
    },
    session,
  );
}
