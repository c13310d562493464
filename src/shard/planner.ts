/**
 * `tdl plan`: fixes the run id, runs phases 0 and 1 (deployment status, selection) once for the whole
 * run, finds the files of suites split by files, reads recorded durations from the history store and
 * plans every tier over N shards (./plan.ts). The plan is written to the run folder and returned.
 */
import { join, relative, resolve } from 'node:path';
import { createPorts } from '../adapters/index.js';
import { UsageError } from '../core/errors.js';
import { findGitRoot } from '../core/git-root.js';
import { newRunId, stableHash } from '../core/ids.js';
import { pathsFor, stateDirFor } from '../core/paths.js';
import type { RunOptions } from '../core/record.js';
import { phaseResult } from '../phase-data/index.js';
import { selectSuites } from '../phases/1-select-tests/select.js';
import { PHASES } from '../phases/index.js';
import { preparePhases, runPhases } from '../pipeline/runner.js';
import { blankRecord } from '../pipeline/session.js';
import type { Playbook } from '../playbook/load.js';
import type { SuiteConfig } from '../playbook/sections/suites.js';
import { globFiles } from '../playbook/split.js';
import { systemClock } from '../telemetry/clock.js';
import { writeJsonAtomic } from '../telemetry/outlet.js';
import { type StepOptions, stepContext } from './context.js';
import { PLAN_KIND, type PlanDocument, planDigest, SHARD_FORMAT_VERSION } from './document.js';
import { recordedDurations } from './durations.js';
import { type PlanSuiteInput, planTiers } from './plan.js';

export const MAX_SHARDS = 1000;
/** Hash of what a shard must agree on with the plan: the suites and gates of the playbook. */
export function suitesDigest(playbook: Playbook): string {
  return stableHash(JSON.stringify({ suites: playbook.suites, gates: playbook.gates }), 24);
}

function suiteDir(playbook: Playbook, suite: SuiteConfig): string {
  return suite.cwd ? resolve(playbook.repoDir, suite.cwd) : playbook.repoDir;
}

/** The planner's view of the selected suites: splits resolved, recorded durations attached. */
export function planInputs(
  playbook: Playbook,
  selected: readonly string[],
  durations: ReturnType<typeof recordedDurations>,
): PlanSuiteInput[] {
  const byId = new Map(playbook.suites.map((s) => [s.id, s]));
  return selected.map((id) => {
    const s = byId.get(id)!;
    const knownMs = durations.suites.get(id) ?? null;
    if (s.split?.by === 'files') {
      const dir = suiteDir(playbook, s);
      const files = globFiles(dir, s.split.glob);
      if (files.length === 0)
        throw new UsageError(
          'ESPLIT',
          `${playbook.file}: suite ${id}: split.glob "${s.split.glob}" matches no file under ${dir}`,
          'fix the glob (it is relative to the suite folder), or remove split from the suite',
        );
      // A file's recorded time: the tests whose group is that file (relative to the suite folder or
      // to the repository, as the report named it).
      const groups = durations.groups.get(id) ?? new Map<string, number>();
      const fileMs = new Map<string, number>();
      for (const f of files) {
        const fromRepo = relative(playbook.repoDir, join(dir, f)).split('\\').join('/');
        const ms = groups.get(f) ?? groups.get(fromRepo);
        if (ms !== undefined) fileMs.set(f, ms);
      }
      return { id, tier: s.tier, split: { by: 'files', files }, knownMs, fileMs };
    }
    if (s.split?.by === 'runner')
      return { id, tier: s.tier, split: { by: 'runner', chunks: s.split.chunks ?? 0 }, knownMs };
    return { id, tier: s.tier, split: null, knownMs };
  });
}

export interface PlanOptions {
  focus: string;
  shards: number;
  cwd?: string;
}

/** Makes the plan of a sharded run (phases 0 and 1 run here, once). */
export async function makePlan(
  playbook: Playbook,
  plan: PlanOptions,
  opts: StepOptions,
): Promise<PlanDocument> {
  if (!Number.isInteger(plan.shards) || plan.shards < 1 || plan.shards > MAX_SHARDS)
    throw new UsageError(
      'ESHARDS',
      `--shards is set as "${plan.shards}"; expected a whole number from 1 to ${MAX_SHARDS}`,
    );
  // A focus that matches nothing is a usage error before anything is written.
  selectSuites(playbook.suites, plan.focus, new Set(), playbook.order);
  const started = systemClock.now();
  const runId = newRunId(started);
  const cwd = plan.cwd ?? process.cwd();
  const paths = pathsFor(stateDirFor(cwd, opts.env), runId);
  const options: RunOptions = {
    focus: plan.focus,
    deploy: false,
    dryRun: false,
    publish: 'auto',
    only: null,
    untilGreen: false,
    maxIterations: 1,
  };
  const ports = opts.ports ?? createPorts(playbook, opts.env);
  const record = await blankRecord(playbook, runId, started, options, paths, ports);
  const { ctx, close } = stepContext(playbook, record, paths, { ...opts, ports });
  try {
    const first = PHASES.slice(0, 2);
    preparePhases(ctx.record, first);
    await runPhases(ctx, first, 0, { save() {} });
    const selection = phaseResult(ctx.record, 'select-tests')?.data;
    if (!selection)
      throw new UsageError(
        'EPLAN',
        `selection did not complete: ${ctx.record.phases[1]?.reason ?? 'unknown'}`,
      );
    const inputs = planInputs(
      playbook,
      selection.selected.map((s) => s.id),
      recordedDurations(ctx.testHistory),
    );
    const root = findGitRoot(playbook.repoDir) ?? cwd;
    // Redacted before the digest is taken: the file holds exactly what was hashed.
    const body: Omit<PlanDocument, 'digest'> = ctx.redactor.redactDeep({
      kind: PLAN_KIND,
      version: SHARD_FORMAT_VERSION,
      runId,
      createdAt: started.toISOString(),
      playbook: {
        name: playbook.name,
        file: relative(findGitRoot(playbook.file) ?? root, playbook.file)
          .split('\\')
          .join('/'),
        suitesDigest: suitesDigest(playbook),
      },
      repo: ctx.record.repo,
      focus: plan.focus,
      shards: plan.shards,
      phases: ctx.record.phases,
      tiers: planTiers(inputs, plan.shards),
    });
    const doc: PlanDocument = { ...body, digest: planDigest(body) };
    writeJsonAtomic(join(paths.runDir, 'plan.json'), doc, ctx.redactor);
    ctx.logger.info(
      { tiers: doc.tiers.length, shards: plan.shards },
      `planned ${doc.tiers.reduce((a, t) => a + t.chunks.length, 0)} chunk(s) over ${plan.shards} shard(s)`,
    );
    return doc;
  } finally {
    close();
  }
}
