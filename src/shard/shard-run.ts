/**
 * `tdl run --plan plan.json --tier T --shard i/N`: runs exactly the chunks the plan gave this shard
 * in tier T (each as phase 2 runs a suite: attempts, report, authenticity) and writes the partial
 * record the merge reads. Works the same on a laptop, an Actions runner or a Cloud Run Jobs task.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createPorts } from '../adapters/index.js';
import { EXIT, UsageError } from '../core/errors.js';
import { findGitRoot } from '../core/git-root.js';
import { pathsFor, stateDirFor } from '../core/paths.js';
import type { RunOptions } from '../core/record.js';
import { compactSuite } from '../history/compact.js';
import type { SuiteResult } from '../phase-data/run-tests.js';
import { runSuite } from '../phases/2-run-tests/suite.js';
import { blankRecord } from '../pipeline/session.js';
import { loadPlaybook, type Playbook } from '../playbook/load.js';
import { expandChunk } from '../playbook/placeholders.js';
import { systemClock } from '../telemetry/clock.js';
import { writeJsonAtomic } from '../telemetry/outlet.js';
import { portableValue, stateRootOf } from '../worklog/portable.js';
import { type StepOptions, stepContext } from './context.js';
import {
  PARTIAL_KIND,
  type PartialRecord,
  type PlanDocument,
  readPlan,
  SHARD_FORMAT_VERSION,
  shardFromEnv,
} from './document.js';
import { suitesDigest } from './planner.js';

/** Variables that say where a shard ran (CI job, Cloud Run task and attempt); never secrets. */
const ENVIRONMENT_KEYS = [
  'CI',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_JOB',
  'RUNNER_NAME',
  'RUNNER_OS',
  'CLOUD_RUN_JOB',
  'CLOUD_RUN_EXECUTION',
  'CLOUD_RUN_TASK_INDEX',
  'CLOUD_RUN_TASK_COUNT',
  'CLOUD_RUN_TASK_ATTEMPT',
];

export interface ShardRequest {
  planFile: string;
  tier: number;
  shard: { index: number; count: number } | null;
  /** Partial record file (default: the run folder's partials/). */
  out?: string;
  /** Playbook file; default: the plan's, relative to the git root of the working folder. */
  playbook?: string;
  cwd?: string;
}

/** The playbook a shard runs: the plan's, unchanged since the plan (else a usage error). */
export function shardPlaybook(plan: PlanDocument, given: string | undefined, cwd: string): Playbook {
  const file = given ? resolve(cwd, given) : join(findGitRoot(cwd) ?? cwd, plan.playbook.file);
  const playbook = loadPlaybook(file);
  if (playbook.name !== plan.playbook.name)
    throw new UsageError(
      'EPLAN',
      `${file} is playbook "${playbook.name}"; the plan is of "${plan.playbook.name}"`,
    );
  if (suitesDigest(playbook) !== plan.playbook.suitesDigest)
    throw new UsageError(
      'EPLAN',
      `${file}: its suites or gates changed since the plan of run ${plan.runId}`,
      'make a new plan with `tdl plan`',
    );
  return playbook;
}

export function partialName(tier: number, shard: { index: number; count: number }): string {
  return `tier-${tier}-shard-${shard.index}-of-${shard.count}.json`;
}

export async function runShard(
  req: ShardRequest,
  opts: StepOptions,
): Promise<{ partial: PartialRecord; file: string; exitCode: number }> {
  const env = opts.env ?? process.env;
  const cwd = req.cwd ?? process.cwd();
  const plan = readPlan(resolve(cwd, req.planFile));
  const shard = req.shard ?? shardFromEnv(env);
  if (!shard)
    throw new UsageError(
      'ESHARD',
      '--shard i/N is required with --plan (or CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT in the environment)',
    );
  if (shard.count !== plan.shards)
    throw new UsageError(
      'ESHARD',
      `--shard ${shard.index}/${shard.count}: the plan has ${plan.shards} shard(s)`,
    );
  const tierPlan = plan.tiers.find((t) => t.tier === req.tier);
  if (!tierPlan)
    throw new UsageError(
      'ETIER',
      `--tier ${req.tier}: the plan has tier(s) ${plan.tiers.map((t) => t.tier).join(', ') || '(none)'}`,
    );
  const playbook = shardPlaybook(plan, req.playbook, cwd);
  const stateDir = stateDirFor(cwd, env);
  const runPaths = pathsFor(stateDir, plan.runId);
  const shardDir = join(runPaths.runDir, 'shards', `tier-${req.tier}-shard-${shard.index}-of-${shard.count}`);
  const paths = {
    ...runPaths,
    runDir: shardDir,
    reportDir: join(shardDir, 'reports'),
    logFile: join(shardDir, 'run.log'),
  };
  const ports = opts.ports ?? createPorts(playbook, env);
  const options: RunOptions = {
    focus: plan.focus,
    deploy: false,
    dryRun: false,
    publish: 'none',
    only: null,
    untilGreen: false,
    maxIterations: 1,
  };
  const started = systemClock.now();
  const record = await blankRecord(playbook, plan.runId, started, options, paths, ports);
  // The plan's phases 0 and 1: suites get the same TDL_SERVICE_* targets as in an unsharded run.
  record.phases = plan.phases;
  const { ctx, close } = stepContext(playbook, record, paths, { ...opts, ports });
  const mine = tierPlan.chunks.filter((c) => c.shard === shard.index);
  const byId = new Map(playbook.suites.map((s) => [s.id, s]));
  const chunks: PartialRecord['chunks'] = [];
  try {
    ctx.logger.info(
      { tier: req.tier, chunks: mine.length },
      `shard ${shard.index}/${shard.count}: ${mine.length} chunk(s)`,
    );
    // One chunk after another: the shard is the unit of parallelism.
    for (const chunk of mine) {
      if (ctx.signal.aborted) break;
      const suite = byId.get(chunk.suite)!;
      const dir = join(shardDir, chunk.id.replace(/[^A-Za-z0-9._-]/g, '_'));
      const chunkCtx = { ...ctx, paths: { ...paths, runDir: dir, reportDir: join(dir, 'reports') } };
      mkdirSync(chunkCtx.paths.reportDir, { recursive: true });
      const result: SuiteResult = await runSuite(chunkCtx, {
        ...suite,
        command: expandChunk(suite.command, {
          ...(chunk.files ? { files: chunk.files } : {}),
          ...(chunk.runner ? { runner: chunk.runner } : {}),
        }),
      });
      // A partial travels to another machine (a workflow artifact, a bucket): no absolute path of
      // this one in it. Logs and reports are named relative to the git root, stacks to the repository.
      const root = stateRootOf(runPaths.runDir);
      chunks.push({
        id: chunk.id,
        suite: portableValue(compactSuite(result), [playbook.repoDir, root], root),
      });
    }
  } finally {
    close();
  }
  const ended = systemClock.now();
  const environment: Record<string, string> = {};
  for (const k of ENVIRONMENT_KEYS) if (env[k] !== undefined) environment[k] = String(env[k]);
  const partial: PartialRecord = {
    kind: PARTIAL_KIND,
    version: SHARD_FORMAT_VERSION,
    runId: plan.runId,
    planDigest: plan.digest,
    tier: req.tier,
    shard,
    host: hostname(),
    environment,
    commit: record.repo.commit,
    state: ctx.signal.aborted ? 'cancelled' : 'completed',
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    wallMs: ended.getTime() - started.getTime(),
    chunks,
  };
  const file = req.out
    ? resolve(cwd, req.out)
    : join(runPaths.runDir, 'partials', partialName(req.tier, shard));
  writeJsonAtomic(file, partial, ctx.redactor);
  const verdicts = chunks.map((c) => (c.suite as unknown as SuiteResult).verdict);
  const exitCode = ctx.signal.aborted
    ? EXIT.interrupted
    : verdicts.every((v) => v === 'pass')
      ? EXIT.ok
      : EXIT.defer;
  return { partial, file, exitCode };
}
