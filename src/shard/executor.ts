/**
 * The whole-plan driver every executor shares: plan once, then per tier let the executor run the
 * tier's shards and bring their partials into the run folder, merge them, say GO or NO-GO, stop at a
 * NO-GO (or an interrupt), and finish (phases 3-6) once. An executor only says how a tier's shards
 * run: local processes (local.ts) or the tasks of a Cloud Run job (cloud-run-jobs.ts).
 */
import { join } from 'node:path';
import { pathsFor, stateDirFor } from '../core/paths.js';
import type { Finding, RunOptions, RunRecord } from '../core/record.js';
import type { SessionOptions } from '../pipeline/session.js';
import type { Playbook } from '../playbook/load.js';
import { readPartials } from './collect.js';
import type { PlanDocument } from './document.js';
import { finishFromFiles } from './finish.js';
import { mergeTier } from './merge.js';
import { makePlan } from './planner.js';

export interface PlannedRun {
  plan: PlanDocument;
  planFile: string;
  runDir: string;
  cwd: string;
}

export interface TierRun {
  /** Partial files in the run folder, one per shard that reported. */
  files: string[];
  /** What the executor saw (a failed task), added to phase 2's findings. */
  findings?: Finding[];
  /** Said before GO/NO-GO in the tier's line, e.g. how many tasks succeeded. */
  note?: string;
}

export interface Executor {
  /** Once, after planning (e.g. the plan uploaded where the shards read it). */
  prepare?(run: PlannedRun): Promise<void>;
  runTier(tier: PlanDocument['tiers'][number], run: PlannedRun): Promise<TierRun>;
}

/** Per shard: the suites' own timeouts (every attempt) and a minute for tdl itself. */
export function shardTimeout(playbook: Playbook): number {
  return playbook.suites.reduce((a, s) => a + s.timeout * (s.retries + 1), 60_000);
}

export async function runPlanned(
  playbook: Playbook,
  options: RunOptions,
  shards: number,
  session: SessionOptions,
  executor: Executor,
): Promise<RunRecord> {
  const env = session.env ?? process.env;
  const cwd = session.cwd ?? process.cwd();
  const plan = await makePlan(
    playbook,
    { focus: options.focus, shards, cwd },
    {
      env,
      humanLog: session.humanLog ?? process.stderr,
      ...(session.signal ? { signal: session.signal } : {}),
    },
  );
  const runDir = pathsFor(stateDirFor(cwd, env), plan.runId).runDir;
  const run: PlannedRun = { plan, planFile: join(runDir, 'plan.json'), runDir, cwd };
  await executor.prepare?.(run);
  const partials: string[] = [];
  const findings: Finding[] = [];
  for (const tier of plan.tiers) {
    if (session.signal?.aborted) break;
    const done = await executor.runTier(tier, run);
    partials.push(...done.files);
    findings.push(...(done.findings ?? []));
    const gate = playbook.gates.find((g) => g.afterTier === tier.tier);
    const merge = mergeTier(plan, tier, readPartials(done.files, false), gate);
    session.humanLog?.write(
      `tdl: tier ${tier.tier}: ${done.note ? `${done.note}; ` : ''}${merge.go ? 'GO' : 'NO-GO'}${merge.complete ? '' : ' (incomplete)'}${merge.result.gate ? `: ${merge.result.gate.reason}` : ''}\n`,
    );
    if (!merge.go) break;
  }
  return finishFromFiles(
    run.planFile,
    partials,
    { publish: options.publish, playbook: playbook.file, findings },
    { ...session, cwd },
  );
}
