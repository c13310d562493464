/**
 * The runner walks the phase table in order. It records each phase's state and timing, persists the
 * record after every phase (the journal), and can resume a record from its first unfinished phase.
 */

import type { ProcessPort } from '../adapters/process/port.js';
import { errorMessage, TdlError } from '../core/errors.js';
import type { PhaseResult, RunRecord } from '../core/record.js';
import { type BaseCommit, lookupBaseCommit } from '../phases/base.js';
import type { RunContext } from '../phases/context.js';
import type { Phase, PhaseOutcome } from '../phases/phase.js';

/** Persists the record (and re-renders the worklog) after each change. */
export interface Journal {
  save(record: RunRecord): void;
}

/** States after which a resumed run does not run the phase again. */
function isDone(result: PhaseResult | undefined): boolean {
  return result?.state === 'completed' || result?.state === 'skipped';
}

function blank(phase: Phase, index: number): PhaseResult {
  return { id: phase.id, index, title: phase.title, state: 'pending', findings: [] };
}

/**
 * Makes sure the record lists every phase, in order; on resume, resets what must run again. The first
 * `given` phases are kept whatever their state (results handed in by the caller, see finishRun).
 */
export function preparePhases(record: RunRecord, phases: readonly Phase[], given = 0): number {
  const firstUndone = phases.findIndex(
    (p, i) => i >= given && (!isDone(record.phases[i]) || record.phases[i]?.id !== p.id),
  );
  const start = firstUndone === -1 ? phases.length : firstUndone;
  record.phases = phases.map((p, i) => (i < start ? record.phases[i]! : blank(p, i)));
  return start;
}

async function runOne(phase: Phase, ctx: RunContext): Promise<PhaseOutcome> {
  const { options, record } = ctx;
  if (options.only && !options.only.includes(phase.id)) {
    return { state: 'skipped', reason: `not selected (--only ${options.only.join(',')})` };
  }
  for (const need of phase.needs) {
    const earlier = record.phases.find((p) => p.id === need);
    if (earlier && earlier.state !== 'completed' && !(options.only && !options.only.includes(need))) {
      return { state: 'skipped', reason: `needs ${need}, which is ${earlier.state}` };
    }
  }
  if (options.dryRun && !phase.safeInDryRun) {
    if (phase.plan) return phase.plan(ctx);
    return { state: 'skipped', reason: 'dry run: this phase has side effects' };
  }
  return phase.run(ctx);
}

/**
 * Runs phases from `start`. A usage error (exit 2) inside a phase is recorded and re-thrown; any other
 * error makes the phase `errored` and the run goes on, so later phases still report what they can.
 */
export async function runPhases(
  baseCtx: RunContext,
  phases: readonly Phase[],
  start: number,
  journal: Journal,
): Promise<void> {
  // Where HEAD left the base branch, for the phases of this pass that ask (4 and 5): looked up once
  // the pass's first command (a suite) has started, so its two git processes start, and run, while
  // the suites do (starting a process blocks this thread until it runs: not before the suites), or
  // when a phase asks first; awaited before the pass ends, so its git processes end with it.
  const options = baseCtx.options;
  const asks = phases
    .slice(start)
    .some(
      (p) =>
        p.asksBaseCommit &&
        (!options.only || options.only.includes(p.id)) &&
        (!options.dryRun || p.safeInDryRun),
    );
  if (!asks) return walk(baseCtx, phases, start, journal);
  let base: Promise<BaseCommit> | undefined;
  let settled: Promise<void> | undefined;
  const baseCommit = (): Promise<BaseCommit> => {
    if (!base) {
      base = lookupBaseCommit(baseCtx);
      // A phase that asks gets the failure; a pass whose asking phases never run leaves no
      // unhandled rejection.
      settled = base.then(
        () => undefined,
        () => undefined,
      );
    }
    return base;
  };
  const given = baseCtx.ports.process;
  const processes: ProcessPort = {
    run: (argv, opts) =>
      given.run(argv, {
        ...opts,
        onStart(child) {
          opts.onStart?.(child);
          baseCommit();
        },
      }),
  };
  try {
    const ports = { ...baseCtx.ports, process: processes };
    await walk({ ...baseCtx, ports, baseCommit }, phases, start, journal);
  } finally {
    await settled;
  }
}

async function walk(
  baseCtx: RunContext,
  phases: readonly Phase[],
  start: number,
  journal: Journal,
): Promise<void> {
  const { record } = baseCtx;
  const markRunning = (result: PhaseResult): Date => {
    const started = baseCtx.clock.now();
    Object.assign(result, { state: 'running', startedAt: started.toISOString() });
    return started;
  };
  // The index of the phase that the last save already shows running (see the end of the loop).
  let savedAhead = -1;
  for (let i = start; i < phases.length; i++) {
    const phase = phases[i]!;
    const result = record.phases[i]!;
    const logger = baseCtx.logger.child({ phase: phase.id });
    const ctx: RunContext = { ...baseCtx, logger };
    if (baseCtx.signal.aborted) {
      Object.assign(result, { state: 'cancelled', reason: 'interrupted before it started' });
      continue;
    }
    let started: Date;
    if (savedAhead === i) started = new Date(result.startedAt!);
    else {
      started = markRunning(result);
      journal.save(record);
    }
    baseCtx.progress.phaseStarted(phase.id, phase.title);
    let outcome: PhaseOutcome;
    let rethrow: unknown;
    try {
      outcome = await runOne(phase, ctx);
    } catch (error) {
      if (error instanceof TdlError) {
        outcome = { state: 'errored', reason: error.message };
        result.error = { code: error.code, message: error.message, exitCode: error.exitCode };
        if (error.exitCode === 2) rethrow = error;
        logger.error({ code: error.code }, error.message);
      } else {
        const message = `internal error: ${errorMessage(error)} (please report this)`;
        outcome = { state: 'errored', reason: message };
        result.error = { code: 'EINTERNAL', message, exitCode: 3 };
        logger.error({ stack: error instanceof Error ? error.stack : undefined }, message);
      }
    }
    if (outcome.error) result.error = outcome.error;
    if (baseCtx.signal.aborted && outcome.state !== 'completed') {
      outcome = { ...outcome, state: 'cancelled', reason: outcome.reason ?? 'interrupted' };
    }
    const ended = baseCtx.clock.now();
    Object.assign(result, {
      state: outcome.state,
      ...(outcome.verdict ? { verdict: outcome.verdict } : {}),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.data === undefined ? {} : { data: outcome.data }),
      findings: outcome.findings ?? [],
      endedAt: ended.toISOString(),
      durationMs: ended.getTime() - started.getTime(),
    });
    if (outcome.state === 'skipped') logger.info(`skipped: ${outcome.reason ?? 'no reason given'}`);
    else
      logger.info(
        { state: outcome.state, verdict: outcome.verdict, durationMs: result.durationMs },
        `${phase.id} ${outcome.state}`,
      );
    baseCtx.progress.phaseEnded(result);
    // One save for this phase's end and the next phase's start: the record on disk then holds every
    // finished phase and shows the next one running, as two saves did (a run killed at any moment
    // still resumes from its first phase that is not done, and its worklog says where it stopped),
    // at half the writes (each save rewrites record.json, the worklog and its JSON twin).
    const next = record.phases[i + 1];
    const goesOn = next !== undefined && i + 1 < phases.length && !rethrow && !baseCtx.signal.aborted;
    if (goesOn) {
      markRunning(next);
      savedAhead = i + 1;
    }
    // A skipped phase did nothing (no side effect, no data): its end is saved with the next phase's,
    // and a run killed meanwhile resumes from it (skipping it again costs nothing). A run whose
    // phases are mostly skipped saves less often: each save rewrites the record, the worklog and its
    // JSON twin, a few milliseconds of every run's fixed cost (issue 16).
    if (!(goesOn && outcome.state === 'skipped')) journal.save(record);
    if (rethrow) throw rethrow;
  }
}
