/**
 * A run from start to end: create (or reload) the record, walk the phases, keep the journal and the
 * worklog current after every phase, and hand back the final record.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPorts, type Ports } from '../adapters/index.js';
import { EXIT, TdlError, UsageError } from '../core/errors.js';
import { isRunId, newRunId } from '../core/ids.js';
import { pathsFor, type RunPaths, stateDirFor } from '../core/paths.js';
import {
  type PhaseResult,
  RUN_RECORD_SCHEMA_VERSION,
  type RunOptions,
  type RunRecord,
} from '../core/record.js';
import { TOOL_VERSION } from '../core/version.js';
import { compactRecord, parseStoredRecord } from '../history/compact.js';
import { loadHistory, recordRun } from '../history/step.js';
import { selectSuites } from '../phases/1-select-tests/select.js';
import { type ProgressReporter, type RunContext, silentReporter } from '../phases/context.js';
import { PHASES, sectionRenderers } from '../phases/index.js';
import type { Phase } from '../phases/phase.js';
import { loadPlaybook, type Playbook } from '../playbook/load.js';
import { acquireRunLock } from '../services/lock.js';
import { type Clock, systemClock } from '../telemetry/clock.js';
import { createRunLogger } from '../telemetry/logger.js';
import { writeJsonAtomic } from '../telemetry/outlet.js';
import { Redactor } from '../telemetry/redact.js';
import { readHistory } from '../worklog/history.js';
import { pacedWrites, WORKLOG_EVERY_MS } from '../worklog/paced.js';
import { localRecord, portableRecord, stateRootOf } from '../worklog/portable.js';
import { openRun } from '../worklog/run-folder.js';
import { worklogPaths, writeWorklog } from '../worklog/write.js';
import { exitCodeFor } from './exit.js';
import { runUntilGreen } from './loop.js';
import { type Journal, preparePhases, runPhases } from './runner.js';
import { journaledProcesses, killSurvivors } from './survivors.js';

/**
 * How a session is run. `cwd`, `clock`, `env`, `phases` and `ports` default to this process's and the
 * real ones; test/integration/session.test.ts passes fakes for each (fake phases and ports, a
 * stepping clock) to test the session in process.
 */
export interface SessionOptions {
  /** Where the state folder is looked for (default: process.cwd()). */
  cwd?: string;
  clock?: Clock;
  progress?: ProgressReporter;
  /** Human log lines; null for none. */
  humanLog?: NodeJS.WritableStream | null;
  /** Least level of human log lines (default info; the live display uses warn). */
  humanLevel?: 'info' | 'warn';
  signal?: AbortSignal;
  /** The phase table (default PHASES). */
  phases?: readonly Phase[];
  /** Ports to use instead of the real adapters. */
  ports?: Ports;
  /** The run's environment: tokens, endpoints, TDL_STATE_DIR, what commands inherit (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Wait for another run holding the state folder's lock instead of failing fast. */
  wait?: boolean;
  /**
   * The record's first phases are given (a sharded run's finish: phases 0-2 come from the plan and
   * the merged partials) and are kept as they are, whatever their state: only the rest run.
   */
  givenPhases?: number;
}

async function execute(
  playbook: Playbook,
  runId: string,
  /**
   * The record, or its promise: a new run's record waits for `git status` (blankRecord), which runs
   * while this takes the lock, opens the log and reads the history, and is awaited only then.
   */
  initial: RunRecord | Promise<RunRecord>,
  paths: RunPaths,
  opts: SessionOptions,
  /** For a resume: the record read again once the lock is held (another resume may have run it meanwhile). */
  reload?: () => RunRecord,
): Promise<RunRecord> {
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock;
  const redactor = Redactor.fromEnv(playbook.redact.env, env);
  const pending = Promise.resolve(initial);
  // Awaited below; the git process ends before this returns or throws, and a failure met before that
  // point is not also an unhandled rejection.
  const settled = pending.then(
    () => undefined,
    () => undefined,
  );
  let lock: Awaited<ReturnType<typeof acquireRunLock>>;
  try {
    lock = await acquireRunLock({
      stateDir: paths.stateDir,
      runId,
      wait: opts.wait ?? false,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onWait: (h) =>
        opts.humanLog?.write(`tdl: waiting for run ${h.runId} (pid ${h.pid} on ${h.host}) to finish\n`),
    });
  } catch (error) {
    await settled;
    throw error;
  }
  let reloaded: RunRecord | undefined;
  try {
    if (reload) reloaded = reload();
  } catch (error) {
    lock.release();
    await settled;
    throw error;
  }
  // What a SIGKILLed run left running: the run this lock was taken from, and the run being resumed.
  const survivors =
    (lock.tookOverFrom ? killSurvivors(join(paths.stateDir, 'runs', lock.tookOverFrom.runId)) : 0) +
    (lock.tookOverFrom?.runId === runId ? 0 : killSurvivors(paths.runDir));
  if (lock.tookOverFrom && lock.tookOverFrom.runId !== runId)
    settleAbandoned(paths.stateDir, lock.tookOverFrom.runId, redactor, lock.tookOverBecause);
  mkdirSync(paths.reportDir, { recursive: true });
  const { logger, close } = createRunLogger({
    runId,
    logFile: paths.logFile,
    redactor,
    human: opts.humanLog === undefined ? process.stderr : opts.humanLog,
    humanLevel: opts.humanLevel ?? 'info',
  });
  // The history step: the newest full records (previous run, base-branch run, trend) and the last
  // runs' per-test outcomes from the store; neither grows with the number of earlier runs.
  const { history, earlier, testHistory } = loadHistory(playbook, runId, (file, problem) =>
    logger.warn(
      { file, problem },
      `an earlier run's data is not used: ${file} is not a valid run record: ${problem}`,
    ),
  );
  let record: RunRecord;
  try {
    record = reloaded ?? (await pending);
  } catch (error) {
    close();
    lock.release();
    throw error;
  }
  const phases = opts.phases ?? PHASES;
  const sections = sectionRenderers(phases);

  // The record is saved at every phase boundary; the worklog follows it when tdl waits for a command
  // or at most once a second (worklog/paced.ts), and the end of the run writes both (saveFinal).
  let latest = record;
  const worklog = pacedWrites(
    () => writeWorklog(playbook.worklogDir, latest, history, redactor, sections, earlier),
    WORKLOG_EVERY_MS,
  );
  const saveRecord = (r: RunRecord) => {
    // The worklog's path is fixed before the first write of the record, so a resume after a kill
    // at any point continues the same worklog instead of starting a second one.
    r.worklog ??= worklogPaths(playbook.worklogDir, r);
    writeJsonAtomic(paths.recordFile, storedForm(r, playbook.worklogDir), redactor);
    latest = r;
  };
  const journal: Journal = {
    save(r) {
      saveRecord(r);
      worklog.request();
    },
  };
  const saveFinal = (r: RunRecord) => {
    saveRecord(r);
    worklog.flush();
  };
  const start = preparePhases(record, phases, opts.givenPhases ?? 0);
  record.state = 'running';
  delete record.endedAt;
  delete record.durationMs;
  delete record.exitCode;
  // A resumed run is no longer the interrupted one: the signal belongs with the exit code it gave.
  delete record.interruptedBy;
  let usageError = false;
  const controller = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
  const given = opts.ports ?? createPorts(playbook, env);
  const journaled = journaledProcesses(given.process, paths.runDir);
  const ports: Ports = {
    ...given,
    process: {
      // Once a command runs, tdl waits for it: a pending worklog write is done then (worklog/paced.ts).
      run: (argv, options) =>
        journaled.run(argv, {
          ...options,
          onStart(child) {
            options.onStart?.(child);
            worklog.idle();
          },
        }),
    },
  };
  logger.info({ playbook: playbook.file, start: phases[start]?.id ?? 'end' }, `run ${record.runId} started`);
  opts.progress?.runStarted?.(record.runId, phases[start]?.id ?? null);
  if (lock.tookOverFrom) {
    logger.warn(
      { previous: lock.tookOverFrom.runId, pid: lock.tookOverFrom.pid, survivorsKilled: survivors },
      `took over a lock left by a process that is gone (${lock.tookOverBecause ?? 'not running'})`,
    );
  } else if (survivors)
    logger.warn({ survivorsKilled: survivors }, 'killed processes left by an earlier attempt');
  // If tdl ends without reaching `finally` (a second Ctrl-C, process.exit), the record still says
  // how it ended and the lock is released: synchronous, as exit handlers must be.
  const onExit = () => {
    if (record.state !== 'running') return;
    record.state = 'cancelled';
    if (typeof signal.reason === 'string' && signal.reason.startsWith('SIG'))
      record.interruptedBy = signal.reason;
    for (const p of record.phases)
      if (p.state === 'running') Object.assign(p, { state: 'cancelled', reason: 'interrupted' });
    record.endedAt = clock.now().toISOString();
    record.durationMs = Date.parse(record.endedAt) - Date.parse(record.startedAt);
    record.exitCode = exitCodeFor(record);
    try {
      saveFinal(record);
    } finally {
      lock.release();
    }
  };
  process.on('exit', onExit);
  try {
    const ctx: RunContext = {
      runId: record.runId,
      playbook,
      options: record.options,
      logger,
      clock,
      redactor,
      paths,
      ports,
      record,
      history,
      testHistory,
      signal,
      progress: opts.progress ?? silentReporter,
      env,
    };
    if (record.options.untilGreen) await runUntilGreen(ctx, phases, start, journal);
    else await runPhases(ctx, phases, start, journal);
    record.state = signal.aborted ? 'cancelled' : 'completed';
    if (signal.aborted && typeof signal.reason === 'string' && signal.reason.startsWith('SIG'))
      record.interruptedBy = signal.reason;
  } catch (error) {
    record.state = 'errored';
    if (error instanceof TdlError && error.exitCode === EXIT.usage) usageError = true;
    throw error;
  } finally {
    const ended = clock.now();
    record.endedAt = ended.toISOString();
    record.durationMs = ended.getTime() - Date.parse(record.startedAt);
    record.exitCode = exitCodeFor(record);
    if (usageError) {
      // A usage mistake is not a run: no worklog, no record in the worklog folder, no INDEX row. The
      // twins written after earlier phases go; the private record under .tdl/ keeps exit code 2.
      worklog.cancel();
      writeJsonAtomic(paths.recordFile, storedForm(record, playbook.worklogDir), redactor);
      if (record.worklog) for (const f of Object.values(record.worklog)) rmSync(f, { force: true });
    } else {
      saveFinal(record);
      recordRun(playbook.worklogDir, record, redactor);
    }
    logger.info({ state: record.state, exitCode: record.exitCode }, `run ${record.runId} ${record.state}`);
    close();
    lock.release();
    process.off('exit', onExit);
  }
  return record;
}

/**
 * Usage mistakes that can be seen before anything runs, found before the run exists, so nothing is
 * written for them (no worklog, no INDEX row, no run folder): a focus that matches nothing, and
 * `--publish github` without a token (phase 6 would only find it after the suites ran).
 */
async function checkUsage(playbook: Playbook, options: RunOptions, env: NodeJS.ProcessEnv): Promise<void> {
  selectSuites(playbook.suites, options.focus, new Set(), playbook.order);
  if (options.publish === 'github' && !options.dryRun) {
    const { githubTarget } = await import('../services/github-target.js');
    const t = await githubTarget({ options, playbook, env });
    if (t.target === null && t.missingToken)
      throw new UsageError(
        'ENOTOKEN',
        t.reason,
        'set GITHUB_TOKEN, or use --publish outbox and send it later with tdl publish <runId>',
      );
  }
}

/**
 * What `record.json` holds: the record compact (passing tests as rows) and portable (no absolute path
 * of this machine: paths relative to the folder `.tdl/` sits in; `openRun` resolves them again).
 */
function storedForm(record: RunRecord, worklogDir?: string): RunRecord {
  return compactRecord(portableRecord(record, worklogDir ? [worklogDir] : [], stateRootOf(record.runDir)));
}

/**
 * A run whose tdl was killed (its lock was just taken over) says so in its record and worklog
 * instead of staying "running" forever.
 */
function settleAbandoned(stateDir: string, runId: string, redactor: Redactor, because?: string): void {
  if (!isRunId(runId)) return;
  const file = join(stateDir, 'runs', runId, 'record.json');
  let parsed: ReturnType<typeof parseStoredRecord>;
  try {
    parsed = parseStoredRecord(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return;
  }
  if (!parsed.ok) return;
  const r = localRecord(parsed.record, dirname(file));
  if (r.state !== 'running' && r.state !== 'pending') return;
  const reason = `interrupted: tdl was killed (${because ?? 'its process is gone'}); resume with \`tdl resume ${runId}\``;
  r.state = 'cancelled';
  for (const p of r.phases) if (p.state === 'running') Object.assign(p, { state: 'cancelled', reason });
  r.exitCode = exitCodeFor(r);
  writeJsonAtomic(file, storedForm(r), redactor);
  if (r.worklog) {
    const dir = dirname(r.worklog.markdown);
    writeWorklog(dir, r, readHistory(dir, r.playbook.name, r.runId), redactor, sectionRenderers());
  }
}

/** A new run's record, before any phase: identity, repository state, options. */
export async function blankRecord(
  playbook: Playbook,
  runId: string,
  started: Date,
  options: RunOptions,
  paths: RunPaths,
  ports: Ports,
): Promise<RunRecord> {
  const head = await ports.git.head(playbook.repoDir);
  return {
    schemaVersion: RUN_RECORD_SCHEMA_VERSION,
    runId,
    tool: { name: 'tdl', version: TOOL_VERSION },
    playbook: { name: playbook.name, file: playbook.file },
    repo: {
      dir: playbook.repoDir,
      commit: head?.commit ?? null,
      branch: head?.branch ?? null,
      dirty: head?.dirty ?? null,
    },
    options,
    runDir: paths.runDir,
    redactEnv: playbook.redact.env,
    state: 'pending',
    startedAt: started.toISOString(),
    phases: [],
    decision: null,
  };
}

/**
 * Finishes a sharded run (`tdl merge --finish`): its record gets the run id and start of the plan
 * and the given first phases (deployment and selection from the plan, test execution merged from the
 * partials); phases 3-6 then run once, as in any run, and write the one worklog of the run.
 */
export async function finishRun(
  playbook: Playbook,
  given: { runId: string; startedAt: string; options: RunOptions; phases: PhaseResult[] },
  opts: SessionOptions = {},
): Promise<RunRecord> {
  const paths = pathsFor(stateDirFor(opts.cwd ?? process.cwd(), opts.env), given.runId);
  const ports = opts.ports ?? createPorts(playbook, opts.env);
  const record = await blankRecord(
    playbook,
    given.runId,
    new Date(given.startedAt),
    given.options,
    paths,
    ports,
  );
  record.phases = given.phases;
  return execute(playbook, record.runId, record, paths, { ...opts, ports, givenPhases: given.phases.length });
}

/** Starts a new run of a playbook. */
export async function startRun(
  playbookPath: string,
  options: RunOptions,
  opts: SessionOptions = {},
): Promise<RunRecord> {
  const playbook = loadPlaybook(playbookPath);
  await checkUsage(playbook, options, opts.env ?? process.env);
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  const runId = newRunId(started);
  const paths = pathsFor(stateDirFor(opts.cwd ?? process.cwd(), opts.env), runId);
  const ports = opts.ports ?? createPorts(playbook, opts.env);
  // Not awaited here: its `git status` runs while execute takes the lock and reads the history.
  const record = blankRecord(playbook, runId, started, options, paths, ports);
  return execute(playbook, runId, record, paths, { ...opts, ports });
}

/** Continues a run from its first unfinished phase. */
export async function resumeRun(runId: string, opts: SessionOptions = {}): Promise<RunRecord> {
  const stateDir = stateDirFor(opts.cwd ?? process.cwd(), opts.env);
  const record = openRun(runId, stateDir);
  const playbook = loadPlaybook(record.playbook.file);
  return execute(playbook, runId, record, pathsFor(stateDir, runId), opts, () => openRun(runId, stateDir));
}
