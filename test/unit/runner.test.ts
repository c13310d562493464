/** The runner and the exit codes (of a record, of an error), in process, with fake phases (objects implementing Phase). */
import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/errors.js';
import { InfraError, TdlError, UsageError } from '../../src/core/errors.js';
import type { PhaseId, RunRecord } from '../../src/core/record.js';
import { baseCommit } from '../../src/phases/base.js';
import type { RunContext } from '../../src/phases/context.js';
import { exitCodeFor } from '../../src/pipeline/exit.js';
import { type Journal, preparePhases, runPhases } from '../../src/pipeline/runner.js';
import { fakePhase, ok } from '../builders/phases.js';
import { commandResult, textSink } from '../builders/ports.js';
import { phaseEntry, runContext, runOptions, runRecord } from '../builders/run.js';

/** A journal that keeps the phase states each save held. */
function journal(): Journal & { saves: number; states: string[][] } {
  return {
    saves: 0,
    states: [],
    save(record: RunRecord) {
      this.saves += 1;
      this.states.push(record.phases.map((p) => p.state));
    },
  };
}

describe('runPhases', () => {
  it('runs the phases in order and records state, verdict, timing and findings of each', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', ok, ran),
      fakePhase(
        'select-tests',
        {
          state: 'completed',
          verdict: 'fail',
          data: { n: 1 },
          findings: [{ kind: 'k', severity: 'warning', message: 'm' }],
        },
        ran,
      ),
    ];
    const { ctx, logs } = runContext();
    const j = journal();
    const start = preparePhases(ctx.record, phases);
    await runPhases(ctx, phases, start, j);
    expect(ran).toEqual(['deploy-status', 'select-tests']);
    const [a, b] = ctx.record.phases;
    expect(a).toMatchObject({
      id: 'deploy-status',
      index: 0,
      state: 'completed',
      verdict: 'pass',
      reason: 'fine',
    });
    expect(b).toMatchObject({
      state: 'completed',
      verdict: 'fail',
      data: { n: 1 },
      findings: [{ kind: 'k' }],
    });
    // The stepping clock moves 1 s per reading: started, then ended.
    expect(a!.durationMs).toBe(1000);
    expect(Date.parse(b!.startedAt!)).toBeGreaterThan(Date.parse(a!.endedAt!) - 1);
    // Saved when the first phase starts, then once when each phase ends: that save already shows
    // the next phase running, so the record on disk always says which phase was under way.
    expect(j.states).toEqual([
      ['running', 'pending'],
      ['completed', 'running'],
      ['completed', 'completed'],
    ]);
    // Each phase's records carry its id, once.
    expect(logs.filter((l) => l.phase === 'select-tests').map((l) => l.msg)).toEqual([
      'select-tests completed',
    ]);
  });

  it('an internal error errors the phase (exit 3, "please report this") and the run goes on', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', new TypeError('x is undefined'), ran),
      fakePhase('select-tests', ok, ran),
    ];
    const { ctx, logs } = runContext();
    await runPhases(ctx, phases, preparePhases(ctx.record, phases), journal());
    expect(ran).toEqual(['deploy-status', 'select-tests']);
    expect(ctx.record.phases[0]).toMatchObject({
      state: 'errored',
      error: {
        code: 'EINTERNAL',
        exitCode: 3,
        message: 'internal error: x is undefined (please report this)',
      },
    });
    expect(ctx.record.phases[1]!.state).toBe('completed');
    const logged = logs.find((l) => l.phase === 'deploy-status' && l.level === 50);
    expect(String(logged?.stack)).toContain('TypeError: x is undefined');
    expect(exitCodeFor(ctx.record)).toBe(3);
  });

  it('an infrastructure error keeps its code; a usage error is recorded and stops the run', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', new InfraError('ECLOUDRUN_UNAVAILABLE', 'Cloud Run unreachable'), ran),
      fakePhase('select-tests', new UsageError('EFOCUS', '--focus matches no suite'), ran),
      fakePhase('run-tests', ok, ran),
    ];
    const { ctx } = runContext();
    await expect(runPhases(ctx, phases, preparePhases(ctx.record, phases), journal())).rejects.toThrow(
      '--focus matches no suite',
    );
    expect(ran).toEqual(['deploy-status', 'select-tests']);
    expect(ctx.record.phases.map((p) => [p.state, p.error?.code ?? null])).toEqual([
      ['errored', 'ECLOUDRUN_UNAVAILABLE'],
      ['errored', 'EFOCUS'],
      ['pending', null],
    ]);
    expect(exitCodeFor(ctx.record)).toBe(2);
  });

  it('skips a phase whose need did not complete, one left out by --only, and side effects under --dry-run', async () => {
    const ran: PhaseId[] = [];
    const phases = [
      fakePhase('deploy-status', { state: 'errored', reason: 'unreachable' }, ran),
      fakePhase('select-tests', ok, ran, { needs: ['deploy-status'] }),
      fakePhase('run-tests', ok, ran, { safeInDryRun: false }),
      fakePhase('root-cause', ok, ran, {
        safeInDryRun: false,
        plan: async () => ({ state: 'completed', reason: 'would do it' }),
      }),
    ];
    const record = runRecord();
    record.options = { ...record.options, dryRun: true };
    const { ctx } = runContext({ record, options: record.options });
    await runPhases(ctx, phases, preparePhases(ctx.record, phases), journal());
    expect(ran).toEqual(['deploy-status']);
    expect(ctx.record.phases.map((p) => `${p.state}: ${p.reason}`)).toEqual([
      'errored: unreachable',
      'skipped: needs deploy-status, which is errored',
      'skipped: dry run: this phase has side effects',
      'completed: would do it',
    ]);

    const only = runRecord();
    only.options = { ...only.options, only: ['select-tests'] };
    const second = runContext({ record: only, options: only.options });
    const ran2: PhaseId[] = [];
    const two = [
      fakePhase('deploy-status', ok, ran2),
      fakePhase('select-tests', ok, ran2, { needs: ['deploy-status'] }),
    ];
    await runPhases(second.ctx, two, preparePhases(only, two), journal());
    expect(ran2).toEqual(['select-tests']);
    expect(only.phases[0]).toMatchObject({ state: 'skipped', reason: 'not selected (--only select-tests)' });
  });

  it('once interrupted, the phases not started are cancelled', async () => {
    const ran: PhaseId[] = [];
    const built = runContext();
    const phases = [
      fakePhase('deploy-status', ok, ran, {
        async run() {
          ran.push('deploy-status');
          built.abort('SIGTERM');
          return { state: 'running' };
        },
      }),
      fakePhase('select-tests', ok, ran),
    ];
    await runPhases(built.ctx, phases, preparePhases(built.ctx.record, phases), journal());
    expect(ran).toEqual(['deploy-status']);
    expect(built.ctx.record.phases.map((p) => `${p.state}: ${p.reason}`)).toEqual([
      'cancelled: interrupted',
      'cancelled: interrupted before it started',
    ]);
  });

  it('looks the base commit up once per pass, once its first command started, for every phase that asks, and waits for it before the pass ends', async () => {
    const ran: PhaseId[] = [];
    const asked: string[] = [];
    let ended = 0;
    const withGit = (ctx: RunContext, mergeBase: (ref: string) => Promise<string | null>) => {
      ctx.ports = {
        ...ctx.ports,
        git: { ...ctx.ports.git, mergeBase: (_cwd, a) => mergeBase(a) },
        // A command that starts at once (onStart) and ends 20 ms later.
        process: {
          async run(_argv, options) {
            options.onStart?.({ pgid: 1, token: options.token ?? 't', startTicks: null });
            await new Promise((r) => setTimeout(r, 20));
            return commandResult({ durationMs: 20 });
          },
        },
      };
    };
    const slowMergeBase = async (ref: string) => {
      asked.push(ref);
      await new Promise((r) => setTimeout(r, 20));
      ended += 1;
      return ref === 'main' ? 'abc123' : null;
    };
    const seen: (string | null)[] = [];
    const usesBase = async (c: RunContext) => {
      seen.push((await baseCommit(c)).mergeBase);
      return ok;
    };
    const phases = [
      fakePhase(
        'run-tests',
        async (c) => {
          // Not before the suites start (starting a process blocks): once the first command has.
          expect(asked).toEqual([]);
          const suite = c.ports.process.run(['suite'], { cwd: '/', env: {}, timeoutMs: 1000, logFile: '/x' });
          expect(asked).toEqual(['main', 'origin/main']);
          await suite;
          await c.ports.process.run(['suite 2'], { cwd: '/', env: {}, timeoutMs: 1000, logFile: '/x' });
          return ok;
        },
        ran,
      ),
      fakePhase('compliance', usesBase, ran, { asksBaseCommit: true }),
      fakePhase('stability', usesBase, ran, { asksBaseCommit: true }),
    ];
    const { ctx } = runContext();
    withGit(ctx, slowMergeBase);
    await runPhases(ctx, phases, preparePhases(ctx.record, phases), journal());
    // One lookup (both refs at once) for the two commands and the two phases that asked.
    expect(asked).toEqual(['main', 'origin/main']);
    expect(seen).toEqual(['abc123', 'abc123']);
    expect(ended).toBe(2);

    // A pass that starts no command: looked up when the first phase asks, once.
    asked.length = 0;
    seen.length = 0;
    const { ctx: noSuites } = runContext();
    withGit(noSuites, slowMergeBase);
    await runPhases(noSuites, phases.slice(1), preparePhases(noSuites.record, phases.slice(1)), journal());
    expect(asked).toEqual(['main', 'origin/main']);
    expect(seen).toEqual(['abc123', 'abc123']);

    // A pass whose asking phases do not run (--only) does not look it up.
    asked.length = 0;
    const { ctx: only } = runContext({ record: runRecord({ options: runOptions({ only: ['run-tests'] }) }) });
    withGit(only, slowMergeBase);
    await runPhases(only, phases, preparePhases(only.record, phases), journal());
    expect(asked).toEqual([]);

    // A failing lookup that no phase awaited (interrupted after the suite started) is waited for,
    // and is no unhandled rejection.
    let settled = false;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { ctx: failing, abort } = runContext();
      withGit(failing, async () => {
        await new Promise((r) => setTimeout(r, 20));
        settled = true;
        throw new Error('git is gone');
      });
      const interrupted = [
        fakePhase(
          'run-tests',
          async (c) => {
            const suite = c.ports.process.run(['suite'], {
              cwd: '/',
              env: {},
              timeoutMs: 1000,
              logFile: '/x',
            });
            abort();
            await suite;
            return ok;
          },
          ran,
        ),
        ...phases.slice(1),
      ];
      await runPhases(failing, interrupted, preparePhases(failing.record, interrupted), journal());
      expect(settled).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
      expect(failing.record.phases.map((p) => p.state)).toEqual(['completed', 'cancelled', 'cancelled']);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('resumes from the first phase that is not done, keeping the ones before', () => {
    const phases = [
      fakePhase('deploy-status', ok, []),
      fakePhase('select-tests', ok, []),
      fakePhase('run-tests', ok, []),
    ];
    const record = runRecord({
      phases: [
        phaseEntry('deploy-status', { reason: 'kept' }),
        phaseEntry('select-tests', { index: 1, state: 'running' }),
        phaseEntry('run-tests', { index: 2 }),
      ],
    });
    expect(preparePhases(record, phases)).toBe(1);
    expect(record.phases.map((p) => [p.state, p.reason ?? null])).toEqual([
      ['completed', 'kept'],
      ['pending', null],
      ['pending', null],
    ]);
  });
});

describe('exitCodeFor', () => {
  const cases: [string, Partial<RunRecord>, number][] = [
    ['decision proceed', { decision: { decision: 'proceed', reasons: [] } }, 0],
    ['decision defer', { decision: { decision: 'defer', reasons: [] } }, 1],
    [
      'a usage error in a phase beats the decision',
      {
        decision: { decision: 'proceed', reasons: [] },
        phases: [
          phaseEntry('select-tests', { state: 'errored', error: { code: 'E', message: 'm', exitCode: 2 } }),
        ],
      },
      2,
    ],
    [
      'an infrastructure error beats the decision',
      {
        decision: { decision: 'proceed', reasons: [] },
        phases: [
          phaseEntry('deploy-status', { state: 'errored', error: { code: 'E', message: 'm', exitCode: 3 } }),
        ],
      },
      3,
    ],
    ['no decision, every verdict pass', { phases: [phaseEntry('run-tests')] }, 0],
    [
      'no decision, an inconclusive verdict (unknown is never pass)',
      { phases: [phaseEntry('run-tests', { verdict: 'inconclusive' })] },
      1,
    ],
    ['interrupted by SIGTERM', { state: 'cancelled', interruptedBy: 'SIGTERM' }, 143],
    ['interrupted by SIGHUP', { state: 'cancelled', interruptedBy: 'SIGHUP' }, 129],
    ['interrupted, signal unknown', { state: 'cancelled' }, 130],
  ];
  it.each(cases)('%s', (_name, overrides, code) => {
    expect(exitCodeFor(runRecord(overrides))).toBe(code);
  });
});

describe("reportError (the CLI's one mapping from an error to a message and an exit code)", () => {
  const report = (error: unknown) => {
    const sink = textSink();
    const code = reportError(error, sink.stream);
    return { code, text: sink.text() };
  };

  it('our errors: one line and the hint, no stack, their own exit code', () => {
    expect(
      report(new UsageError('EFOCUS', '--focus x matches no suite', 'list the suites with tdl doctor')),
    ).toEqual({
      code: 2,
      text: 'tdl: --focus x matches no suite\nhint: list the suites with tdl doctor\n',
    });
    expect(report(new InfraError('ECLOUDRUN_UNAVAILABLE', 'Cloud Run unreachable'))).toEqual({
      code: 3,
      text: 'tdl: Cloud Run unreachable\n',
    });
    expect(report(new TdlError('ELOCKED', 'another run holds the lock', { exitCode: 2 })).code).toBe(2);
  });

  it('anything else is a bug in tdl: exit 3, the stack, and "please report it"', () => {
    const { code, text } = report(new TypeError('x is undefined'));
    expect(code).toBe(3);
    expect(text).toMatch(/^tdl: internal error: x is undefined\nTypeError: x is undefined\n {4}at /);
    expect(text).toContain('This is a bug in tdl; please report it with the stack above.');
    expect(report('a thrown string').text).toContain('tdl: internal error: a thrown string');
  });
});
