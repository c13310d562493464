/**
 * The session (startRun, resumeRun) in process: fake phases, fake ports (test/builders/ports.ts) and
 * a stepping clock, through the `phases`, `ports`, `clock`, `env` and `cwd` seams of SessionOptions.
 * What it writes is real: the record, the worklog, the run log and the lock in a temp folder. No
 * process is started, so this runs in well under a second.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/errors.js';
import { TdlError, UsageError } from '../../src/core/errors.js';
import type { PhaseId, RunOptions, RunRecord } from '../../src/core/record.js';
import type { Decision } from '../../src/core/states.js';
import type { Phase, PhaseOutcome } from '../../src/phases/phase.js';
import { resumeRun, type SessionOptions, startRun } from '../../src/pipeline/session.js';
import { fakePhase, ok } from '../builders/phases.js';
import { type FakePorts, fakePorts, textSink } from '../builders/ports.js';
import { runOptions, steppingClock } from '../builders/run.js';

const OPTIONS: RunOptions = runOptions();

const PLAYBOOK = `name: session
suites:
  - id: unit
    command: [node, --test]
remediate:
  command: [./fix.sh, "{runId}"]
`;

let dir: string;
let playbookFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tdl-session-'));
  playbookFile = join(dir, 'tdl.yaml');
  writeFileSync(playbookFile, PLAYBOOK);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Session options with every seam filled: nothing real is reached but the temp folder. */
function session(phases: readonly Phase[], ports: FakePorts = fakePorts(), extra: SessionOptions = {}) {
  return {
    cwd: dir,
    env: {},
    clock: steppingClock('2026-03-04T05:06:07.000Z', 1000),
    humanLog: null,
    phases,
    ports,
    ...extra,
  } satisfies SessionOptions;
}

/** The record as stored in `.tdl/runs/<id>/record.json`. */
function stored(runId: string): RunRecord {
  return JSON.parse(readFileSync(join(dir, '.tdl', 'runs', runId, 'record.json'), 'utf8')) as RunRecord;
}

/** A phase standing in for phase 5: it records `decision` in the run record, as the real one does. */
function deciding(decisions: readonly Decision[], ran: PhaseId[]): Phase {
  let n = 0;
  return fakePhase(
    'stability',
    async (ctx) => {
      const decision = decisions[Math.min(n++, decisions.length - 1)]!;
      ctx.record.decision = { decision, reasons: [`decided ${decision}`] };
      return { state: 'completed', verdict: decision === 'proceed' ? 'pass' : 'fail' };
    },
    ran,
  );
}

describe('startRun', () => {
  it('runs the phases given; run id, times and commit come from the clock and the ports; record and worklog are written', async () => {
    const ran: PhaseId[] = [];
    const ports = fakePorts(['aaaa000000000000000000000000000000000000']);
    const phases = [fakePhase('deploy-status', ok, ran), fakePhase('select-tests', ok, ran)];
    const record = await startRun(playbookFile, OPTIONS, session(phases, ports));

    expect(ran).toEqual(['deploy-status', 'select-tests']);
    expect(record.runId).toMatch(/^tdl-20260304-050607-[0-9a-f]{6}$/);
    expect(record.startedAt).toBe('2026-03-04T05:06:07.000Z');
    expect(record.repo).toMatchObject({ commit: 'aaaa000000000000000000000000000000000000', branch: 'main' });
    expect(record.phases.map((p) => [p.id, p.state])).toEqual([
      ['deploy-status', 'completed'],
      ['select-tests', 'completed'],
    ]);
    // Every reading of the stepping clock is 1 s later: the run lasted a whole number of seconds.
    expect(record.durationMs).toBe(Date.parse(record.endedAt!) - Date.parse(record.startedAt));
    expect(record.durationMs! % 1000).toBe(0);
    expect(record).toMatchObject({ state: 'completed', exitCode: 0 });

    const onDisk = stored(record.runId);
    expect(onDisk).toMatchObject({ runId: record.runId, state: 'completed', exitCode: 0 });
    // Stored portable: relative to the folder .tdl/ sits in.
    expect(onDisk.runDir).toBe(`.tdl/runs/${record.runId}`);
    expect(existsSync(record.worklog!.markdown)).toBe(true);
    expect(readFileSync(record.worklog!.markdown, 'utf8')).toContain(record.runId);
    // The lock is released: a second run in the same folder does not wait for the first.
    const again = await startRun(playbookFile, OPTIONS, session(phases, ports));
    expect(again.exitCode).toBe(0);
  });

  it('the worklog follows the record: written once a command runs (tdl waits for it), and with the final state at the end', async () => {
    const ran: PhaseId[] = [];
    let during = '';
    const phases = [
      fakePhase('deploy-status', ok, ran),
      fakePhase(
        'run-tests',
        async (ctx) => {
          await ctx.ports.process.run(['suite'], {
            cwd: dir,
            env: {},
            timeoutMs: 1000,
            logFile: join(dir, 'x.log'),
          });
          // The command started: the worklog was written then, showing this phase under way.
          during = readFileSync(ctx.record.worklog!.markdown, 'utf8');
          return ok;
        },
        ran,
      ),
      fakePhase('root-cause', ok, ran),
    ];
    const record = await startRun(playbookFile, OPTIONS, session(phases));
    expect(ran).toEqual(['deploy-status', 'run-tests', 'root-cause']);
    // Phase 0 done, phase 2 under way (the state of when the command started, not of the first save).
    expect(during).toMatch(/`deploy-status`\)\n\n\*\*State:\*\* completed/);
    expect(during).toMatch(/`run-tests`\)\n\n\*\*State:\*\* running/);
    const after = readFileSync(record.worklog!.markdown, 'utf8');
    expect(after).toMatch(/`run-tests`\)\n\n\*\*State:\*\* completed/);
    expect(after).toMatch(/`root-cause`\)\n\n\*\*State:\*\* completed/);
    // Its JSON twin holds the final record.
    const twin = JSON.parse(readFileSync(record.worklog!.json, 'utf8')) as RunRecord;
    expect(twin.phases.map((p) => p.state)).toEqual(['completed', 'completed', 'completed']);
  });

  it('an internal error in a phase: the phase is errored with "please report this", the run goes on and exits 3', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', new TypeError("Cannot read properties of undefined (reading 'x')"), ran),
      fakePhase('select-tests', ok, ran),
    ];
    const record = await startRun(playbookFile, OPTIONS, session(phases));
    expect(ran).toEqual(['deploy-status', 'select-tests']);
    expect(record.phases[0]).toMatchObject({
      state: 'errored',
      error: { code: 'EINTERNAL', exitCode: 3 },
    });
    expect(record.phases[0]!.reason).toMatch(/^internal error: Cannot read .* \(please report this\)$/);
    expect(record.phases[1]!.state).toBe('completed');
    expect(record).toMatchObject({ state: 'completed', exitCode: 3 });
    const onDisk = stored(record.runId);
    expect(onDisk.exitCode).toBe(3);
    expect(onDisk.phases[0]!.error?.code).toBe('EINTERNAL');
    // The stack goes to the run's log file (for the bug report), and the worklog says what happened.
    const log = readFileSync(join(dir, '.tdl', 'runs', record.runId, 'run.log'), 'utf8');
    expect(log).toContain('TypeError: Cannot read properties of undefined');
    expect(readFileSync(record.worklog!.markdown, 'utf8')).toContain('please report this');
  });

  it('a usage error inside a phase stops the run with exit 2 and leaves no worklog', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', ok, ran),
      fakePhase('select-tests', new UsageError('EFOCUS', '--focus nothing matches no suite'), ran),
      fakePhase('run-tests', ok, ran),
    ];
    const error = await startRun(playbookFile, OPTIONS, session(phases)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(ran).toEqual(['deploy-status', 'select-tests']);
    const runs = readdirSync(join(dir, '.tdl', 'runs'));
    expect(runs).toHaveLength(1);
    const onDisk = stored(runs[0]!);
    expect(onDisk).toMatchObject({ state: 'errored', exitCode: 2 });
    expect(onDisk.phases.map((p) => p.state)).toEqual(['completed', 'errored', 'pending']);
    // A usage mistake is not a run: no worklog (its path was fixed at the first save; a write made
    // meanwhile is removed, one pending is dropped), no history row.
    expect(onDisk.worklog).toBeDefined();
    const worklogs = join(dir, 'worklogs');
    expect(existsSync(worklogs) ? readdirSync(worklogs, { recursive: true }) : []).toEqual([]);
    // And the CLI prints it as one line and exits 2.
    const sink = textSink();
    expect(reportError(error, sink.stream)).toBe(2);
    expect(sink.text()).toBe('tdl: --focus nothing matches no suite\n');
  });

  it('a usage mistake seen before the run (a focus matching no suite) creates no run at all', async () => {
    const ran: PhaseId[] = [];
    const error = await startRun(
      playbookFile,
      { ...OPTIONS, focus: 'nothing-like-this' },
      session([fakePhase('deploy-status', ok, ran)]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TdlError);
    expect((error as TdlError).exitCode).toBe(2);
    expect(ran).toEqual([]);
    expect(existsSync(join(dir, '.tdl'))).toBe(false);
  });

  it('--only: the phases not selected are skipped, with the reason', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', ok, ran),
      fakePhase('select-tests', ok, ran, { needs: ['deploy-status'] }),
      fakePhase('run-tests', ok, ran),
    ];
    const record = await startRun(playbookFile, { ...OPTIONS, only: ['select-tests'] }, session(phases));
    expect(ran).toEqual(['select-tests']);
    expect(record.phases.map((p) => `${p.state}: ${p.reason}`)).toEqual([
      'skipped: not selected (--only select-tests)',
      'completed: fine',
      'skipped: not selected (--only select-tests)',
    ]);
    expect(record.exitCode).toBe(0);
  });

  // The exit code of each way a run can end, as the process would report it.
  const endings: [string, () => Phase[], number][] = [
    ['decision proceed', () => [deciding(['proceed'], [])], 0],
    ['decision defer', () => [deciding(['defer'], [])], 1],
    [
      'NO-GO (a gate failed in phase 2), no decision',
      () => [
        fakePhase(
          'run-tests',
          { state: 'completed', verdict: 'fail', reason: 'NO-GO: the gate after tier 1 did not pass' },
          [],
        ),
      ],
      1,
    ],
    [
      'no decision, a verdict inconclusive (unknown is never pass)',
      () => [fakePhase('run-tests', { state: 'completed', verdict: 'inconclusive' }, [])],
      1,
    ],
    [
      'infrastructure unreachable (the phase keeps its data, says its error)',
      () => [
        fakePhase(
          'deploy-status',
          {
            state: 'errored',
            reason: 'Cloud Run unreachable',
            error: { code: 'ECLOUDRUN_UNAVAILABLE', message: 'Cloud Run unreachable', exitCode: 3 },
          },
          [],
        ),
        deciding(['proceed'], []),
      ],
      3,
    ],
  ];
  it.each(endings)('exit code: %s', async (_name, phases, code) => {
    const record = await startRun(playbookFile, OPTIONS, session(phases()));
    expect(record.exitCode).toBe(code);
    expect(stored(record.runId).exitCode).toBe(code);
  });
});

describe('cancellation and resume', () => {
  /**
   * A phase that starts, tells the test, and waits for the run's signal, as a suite does: on abort it
   * ends `cancelled`. Anything else it awaits would hang the test, so the test's own timeout bounds it.
   */
  function waitingPhase(id: PhaseId, ran: PhaseId[], started: () => void): Phase {
    return fakePhase(
      id,
      (ctx) =>
        new Promise<PhaseOutcome>((resolve) => {
          ctx.signal.addEventListener('abort', () =>
            resolve({ state: 'cancelled', reason: 'suite stopped' }),
          );
          started();
        }),
      ran,
    );
  }

  it('an abort (SIGTERM) cancels the phase under way and those after it: exit 143; resume runs only what is not done', async () => {
    const ran: PhaseId[] = [];
    const controller = new AbortController();
    const ports = fakePorts();
    const phases = [
      fakePhase('deploy-status', ok, ran),
      waitingPhase('select-tests', ran, () => controller.abort('SIGTERM')),
      fakePhase('run-tests', ok, ran),
    ];
    const record = await startRun(
      playbookFile,
      OPTIONS,
      session(phases, ports, { signal: controller.signal }),
    );
    expect(ran).toEqual(['deploy-status', 'select-tests']);
    expect(record).toMatchObject({ state: 'cancelled', interruptedBy: 'SIGTERM', exitCode: 143 });
    expect(record.phases.map((p) => `${p.state}: ${p.reason}`)).toEqual([
      'completed: fine',
      'cancelled: suite stopped',
      'cancelled: interrupted before it started',
    ]);
    expect(stored(record.runId)).toMatchObject({ state: 'cancelled', exitCode: 143 });

    // Resume: the same run id and worklog; the completed phase is kept, not run again.
    const resumedRan: PhaseId[] = [];
    const again = [
      fakePhase('deploy-status', ok, resumedRan),
      fakePhase('select-tests', ok, resumedRan),
      fakePhase('run-tests', ok, resumedRan),
    ];
    const resumed = await resumeRun(record.runId, session(again, ports));
    expect(resumedRan).toEqual(['select-tests', 'run-tests']);
    expect(resumed.runId).toBe(record.runId);
    expect(resumed.worklog).toEqual(record.worklog);
    expect(resumed.phases.map((p) => p.state)).toEqual(['completed', 'completed', 'completed']);
    expect(resumed.phases[0]!.startedAt).toBe(record.phases[0]!.startedAt);
    expect(resumed).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(resumed.interruptedBy).toBeUndefined();
    expect(stored(record.runId)).toMatchObject({ state: 'completed', exitCode: 0 });

    // A finished run resumed again runs nothing.
    const none: PhaseId[] = [];
    await resumeRun(record.runId, session([fakePhase('deploy-status', ok, none)], ports));
    expect(none).toEqual([]);
  });

  it('resume of an unknown run id is a usage error (exit 2)', async () => {
    const error = await resumeRun('tdl-20260101-000000-ffffff', session([])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('ENORUN');
  });
});

describe('--until-green (the loop)', () => {
  const loop: RunOptions = { ...OPTIONS, untilGreen: true, maxIterations: 3 };

  it('defer, remediation, new commit, proceed: two iterations in one run, stop green, exit 0', async () => {
    const ran: PhaseId[] = [];
    const ports = fakePorts([
      'aaaa000000000000000000000000000000000000', // the run's start
      'aaaa000000000000000000000000000000000000', // iteration 1
      'bbbb000000000000000000000000000000000000', // iteration 2, after the remediation's commit
    ]);
    const phases = [fakePhase('run-tests', ok, ran), deciding(['defer', 'proceed'], ran)];
    const record = await startRun(playbookFile, loop, session(phases, ports));

    expect(ran).toEqual(['run-tests', 'stability', 'run-tests', 'stability']);
    expect(record.iterations!.map((i) => [i.iteration, i.commit, i.decision?.decision])).toEqual([
      [1, 'aaaa000000000000000000000000000000000000', 'defer'],
      [2, 'bbbb000000000000000000000000000000000000', 'proceed'],
    ]);
    expect(record.loop).toEqual({ maxIterations: 3, stop: 'green', stopReason: 'green in iteration 2' });
    // The remediation ran once, after the deferred iteration, through the process port.
    expect(ports.commands.map((c) => c.argv)).toEqual([['./fix.sh', record.runId]]);
    const env = ports.commands[0]!.options.env;
    expect(env).toMatchObject({ TDL_RUN_ID: record.runId, TDL_ITERATION: '1', TDL_PHASE: 'remediate' });
    expect(JSON.parse(readFileSync(env.TDL_CLUSTERS_FILE!, 'utf8'))).toMatchObject({
      iteration: 1,
      decision: { decision: 'defer' },
    });
    expect(record.iterations![0]!.remediation).toMatchObject({ exitCode: 0 });
    expect(record).toMatchObject({ state: 'completed', exitCode: 0 });
  });

  it('an iteration that changed nothing (same commit, same failures) stops the loop: exit 1', async () => {
    const ports = fakePorts(['aaaa000000000000000000000000000000000000']);
    const record = await startRun(playbookFile, loop, session([deciding(['defer'], [])], ports));
    expect(record.iterations).toHaveLength(2);
    expect(record.loop).toMatchObject({ stop: 'no-progress' });
    // Remediated once, after iteration 1; iteration 2 changed nothing, so no second remediation.
    expect(ports.commands).toHaveLength(1);
    expect(record.exitCode).toBe(1);
  });

  it('stops at --max-iterations when every iteration defers on a new commit', async () => {
    const ports = fakePorts(['c0', 'c1', 'c2', 'c3', 'c4'].map((c) => c.padEnd(40, '0')));
    const record = await startRun(
      playbookFile,
      { ...loop, maxIterations: 2 },
      session([deciding(['defer'], [])], ports),
    );
    expect(record.iterations).toHaveLength(2);
    expect(record.loop).toMatchObject({
      stop: 'max-iterations',
      stopReason: 'still deferred after 2 iteration(s) (--max-iterations 2)',
    });
    expect(record.exitCode).toBe(1);
  });
});
