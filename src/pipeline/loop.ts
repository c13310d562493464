/**
 * `tdl run --until-green`: run the phases; after a `defer`, run `remediate.command` (and redeploy if
 * asked), then run the phases again, in the same run (one run id, one worklog). Stops when green, at
 * `--max-iterations`, when an iteration changed nothing (same commit, same failures), or on Ctrl-C.
 */
import { join } from 'node:path';
import { clustersFor } from '../clustering/cluster.js';
import { traceparentForRun } from '../core/ids.js';
import type { IterationRecord, LoopStop, RemediationRecord, RunRecord } from '../core/record.js';
import { comparableTests } from '../decision/compare.js';
import { phaseResult } from '../phase-data/index.js';
import type { RunContext } from '../phases/context.js';
import type { Phase } from '../phases/phase.js';
import { expandAll } from '../playbook/placeholders.js';
import { writeJsonAtomic } from '../telemetry/outlet.js';
import { type Journal, preparePhases, runPhases } from './runner.js';

/** Failing and erroring tests of the record's current phases, sorted. */
export function failingTests(record: RunRecord): string[] {
  const tests = comparableTests(phaseResult(record, 'run-tests')?.data);
  return [...tests.values()]
    .filter((t) => t.status === 'failed' || t.status === 'errored')
    .map((t) => t.label)
    .sort();
}

/** Why the loop stops after `current`, or null to go on. Pure. */
export function stopAfter(
  current: IterationRecord,
  previous: IterationRecord | undefined,
  maxIterations: number,
  aborted: boolean,
): { stop: LoopStop; reason: string } | null {
  const n = current.iteration;
  if (aborted) return { stop: 'interrupted', reason: `interrupted in iteration ${n}` };
  if (!current.decision)
    return {
      stop: 'no-decision',
      reason: `iteration ${n}: phase 5 made no decision, so green cannot be known`,
    };
  if (current.decision.decision === 'proceed') return { stop: 'green', reason: `green in iteration ${n}` };
  if (
    previous &&
    previous.commit === current.commit &&
    previous.dirty === current.dirty &&
    previous.failing.join('\n') === current.failing.join('\n')
  ) {
    return {
      stop: 'no-progress',
      reason: `no progress: iteration ${n} ran on the same commit${current.commit ? ` ${current.commit.slice(0, 12)}` : ''} with the same ${current.failing.length} failing test(s) as iteration ${previous.iteration}`,
    };
  }
  if (n >= maxIterations)
    return {
      stop: 'max-iterations',
      reason: `still deferred after ${n} iteration(s) (--max-iterations ${maxIterations})`,
    };
  return null;
}

async function remediate(ctx: RunContext, iteration: number): Promise<RemediationRecord | undefined> {
  const config = ctx.playbook.remediate;
  if (!config) return undefined;
  const { record, paths, runId } = ctx;
  const clustersFile = join(paths.runDir, `iteration-${iteration}-clusters.json`);
  writeJsonAtomic(
    clustersFile,
    {
      runId,
      iteration,
      decision: record.decision,
      failing: failingTests(record),
      clusters: clustersFor(record),
    },
    ctx.redactor,
  );
  const argv = expandAll(config.command, { reportDir: paths.reportDir, runId });
  const logFile = join(paths.runDir, `remediate-${iteration}.log`);
  ctx.logger.info({ iteration, command: argv.join(' ') }, `iteration ${iteration}: running remediation`);
  const r = await ctx.ports.process.run(argv, {
    cwd: ctx.playbook.repoDir,
    env: {
      TDL_RUN_ID: runId,
      TDL_PHASE: 'remediate',
      TDL_ITERATION: String(iteration),
      TDL_CLUSTERS_FILE: clustersFile,
      TRACEPARENT: traceparentForRun(runId),
    },
    timeoutMs: config.timeout,
    logFile,
    signal: ctx.signal,
  });
  return {
    command: argv,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    cancelled: r.cancelled,
    ...(r.spawnError ? { spawnError: r.spawnError } : {}),
    durationMs: r.durationMs,
    logFile,
    clustersFile,
  };
}

/** Runs iterations until a stop condition; the record holds every iteration in `iterations`. */
export async function runUntilGreen(
  ctx: RunContext,
  phases: readonly Phase[],
  start: number,
  journal: Journal,
): Promise<void> {
  const { record, clock } = ctx;
  const maxIterations = record.options.maxIterations;
  record.iterations ??= [];
  record.loop = { maxIterations, stop: null, stopReason: null };
  let from = start;
  for (;;) {
    const iteration = record.iterations.length + 1;
    const startedAt = clock.now().toISOString();
    const head = await ctx.ports.git.head(ctx.playbook.repoDir);
    record.repo = { ...record.repo, commit: head?.commit ?? null, dirty: head?.dirty ?? null };
    const redeploy = iteration > 1 && ctx.playbook.remediate?.redeploy === true;
    const iterCtx: RunContext = redeploy ? { ...ctx, options: { ...ctx.options, deploy: true } } : ctx;
    ctx.logger.info({ iteration }, `iteration ${iteration} of at most ${maxIterations}`);
    await runPhases(iterCtx, phases, from, journal);
    const current: IterationRecord = {
      iteration,
      startedAt,
      endedAt: clock.now().toISOString(),
      commit: head?.commit ?? null,
      dirty: head?.dirty ?? null,
      phases: structuredClone(record.phases),
      decision: record.decision,
      failing: failingTests(record),
    };
    const previous = record.iterations[record.iterations.length - 1];
    record.iterations.push(current);
    const stop = stopAfter(current, previous, maxIterations, ctx.signal.aborted);
    if (stop) {
      record.loop = { maxIterations, stop: stop.stop, stopReason: stop.reason };
      ctx.logger.info({ iteration, stop: stop.stop }, stop.reason);
      journal.save(record);
      return;
    }
    const remediation = await remediate(ctx, iteration);
    if (remediation) current.remediation = remediation;
    journal.save(record);
    if (ctx.signal.aborted) {
      record.loop = {
        maxIterations,
        stop: 'interrupted',
        stopReason: `interrupted during remediation after iteration ${iteration}`,
      };
      journal.save(record);
      return;
    }
    // A fresh pass: every phase runs again; the previous pass lives on in `iterations`.
    record.phases = [];
    record.decision = null;
    from = preparePhases(record, phases);
  }
}
