/**
 * The kill matrix (issue 15): real `tdl run`s (the built CLI as a child process) on suites that
 * leave children, grandchildren, `setsid` descendants and TERM-ignoring processes, killed with
 * SIGKILL at random moments (then `tdl resume` or the next `tdl run`), or sent INT, TERM, HUP, QUIT
 * or a double INT. After each trial: no process of any suite alive, no second worklog for a run, no
 * lock left behind, no record still "running", and the exit code 128 + signal for signal trials.
 *
 * Reduced size in CI, full size under `npm run bench` (scripts/bench/robustness.mjs).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const SHAPES = [
  'children',
  'grandchildren',
  'setsid',
  'term-ignoring',
  'mixed',
  'respawning',
] as const;
export type SuiteShape = (typeof SHAPES)[number];
export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'double SIGINT'] as const;

/**
 * The suite: starts its descendants by shape, records every pid in pids/, writes `ready`, then
 * runs for `SUITE_MS` and exits 1 with a JUnit report (one failing test).
 */
const SUITE = `import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const shape = process.argv[2];
const ms = Number(process.argv[3]);
mkdirSync('pids', { recursive: true });
const note = (pid) => appendFileSync('pids/' + process.env.TDL_RUN_ID + '.txt', pid + '\\n');
note(process.pid);
const hang = (ignoreTerm) => \`\${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000);\`;
const start = (code, opts = {}) => {
  const c = spawn(process.execPath, ['-e', code], { stdio: 'ignore', ...opts });
  note(c.pid);
  if (opts.detached) c.unref();
  return c;
};
if (shape === 'term-ignoring' || shape === 'mixed') process.on('SIGTERM', () => {});
if (shape === 'children' || shape === 'mixed') { start(hang(false)); start(hang(false)); }
if (shape === 'grandchildren' || shape === 'mixed') {
  start(\`const { spawn } = require('node:child_process'); const g = spawn(process.execPath, ['-e', ${'${JSON.stringify(hang(false))}'}], { stdio: 'ignore' }); require('node:fs').appendFileSync('pids/' + process.env.TDL_RUN_ID + '.txt', g.pid + '\\\\n'); setInterval(() => {}, 1000);\`);
}
if (shape === 'setsid' || shape === 'mixed') {
  // One escapee in its own session with the output pipe held open, one without.
  start(hang(false), { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  start(hang(false), { detached: true });
}
if (shape === 'term-ignoring' || shape === 'mixed') start(hang(true));
if (shape === 'respawning') {
  // A daemon that keeps re-spawning itself into a new session (each link starts the next, then
  // exits): a kill that reads the process table once misses the link born meanwhile. Bounded (300
  // links, and it stops once the trial's folder is gone) so a failing trial cannot run forever.
  const link = \`const { spawn } = require('node:child_process'); const fs = require('node:fs');
const gen = Number(process.argv[1] || 0);
if (!fs.existsSync('suite.mjs') || gen > 300) process.exit(0);
setTimeout(() => {
  const c = spawn(process.execPath, ['-e', process.env.RESPAWN_LINK, String(gen + 1)], { detached: true, stdio: 'ignore' });
  try { fs.appendFileSync('pids/' + process.env.TDL_RUN_ID + '.txt', c.pid + '\\\\n'); } catch {}
  c.unref();
  process.exit(0);
}, 20);\`;
  process.env.RESPAWN_LINK = link;
  start(link, { detached: true });
}
// Ready once the descendants run (for the respawning shape: once its third link was born).
const ready = () => {
  const links = shape === 'respawning' ? readFileSync('pids/' + process.env.TDL_RUN_ID + '.txt', 'utf8').split('\\n').filter(Boolean).length : 9;
  if (links < 4) return setTimeout(ready, 20);
  writeFileSync('ready-' + process.env.TDL_RUN_ID, '');
};
setTimeout(ready, 50);
setTimeout(() => {
  writeFileSync(process.env.TDL_REPORT_DIR + '/r.xml', '<testsuite name="s" tests="1" failures="1"><testcase classname="s" name="t"><failure message="no">x</failure></testcase></testsuite>');
  process.exit(1);
}, ms);
`;

export interface KillMatrixResult {
  sigkills: number;
  signalTrials: number;
  /** Suite processes alive after the next tdl command (SIGKILL trials) or after tdl exited (signals). */
  orphans: number;
  duplicateWorklogs: number;
  staleLocks: number;
  recordsRunning: number;
  wrongExitCodes: string[];
  /** Processes the matrix saw started (every one must be gone). */
  processesSeen: number;
  /** Each trial that left orphans: the trial, and each orphan's command line. */
  orphanTrials: string[];
  /** Where the SIGKILLs landed: the phase the record said was running (or "before the record"). */
  killedIn: Record<string, number>;
}

function aliveProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120);
  } catch {
    return '?';
  }
}

/** Pids the suites recorded, still alive after up to `waitMs` (killing takes a moment to land). */
async function survivors(
  dir: string,
  waitMs: number,
): Promise<{ seen: number; alive: number[]; described: string[] }> {
  const pidsDir = join(dir, 'pids');
  const pids = existsSync(pidsDir)
    ? readdirSync(pidsDir).flatMap((f) =>
        readFileSync(join(pidsDir, f), 'utf8').split('\n').filter(Boolean).map(Number),
      )
    : [];
  const until = Date.now() + waitMs;
  let alive = pids.filter(aliveProcess);
  while (alive.length && Date.now() < until) {
    await sleep(50);
    alive = alive.filter(aliveProcess);
  }
  const described = alive.map((pid) => `${pid} ${commandOf(pid)}`);
  // Whatever the trial left is killed here so the next trial (and the machine) starts clean.
  for (const pid of alive) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(pidsDir, { recursive: true, force: true });
  return { seen: pids.length, alive, described };
}

function project(shape: SuiteShape, suiteMs: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-kills-'));
  writeFileSync(join(dir, 'suite.mjs'), SUITE);
  writeFileSync(
    join(dir, 'tdl.yaml'),
    [
      'name: kills',
      'suites:',
      '  - id: shaped',
      `    command: [node, suite.mjs, ${shape}, "${suiteMs}"]`,
      '    report: { format: junit, path: "{reportDir}/r.xml" }',
      '    timeout: 60s',
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'worklogs'), { recursive: true });
  return dir;
}

const ENV = { CI: 'true', NO_COLOR: '1', GITHUB_TOKEN: '', GH_TOKEN: '', TDL_STATE_DIR: '.tdl' };

function tdl(dir: string, args: string[]) {
  return execa(process.execPath, [process.env.TDL_MATRIX_CLI ?? '', ...args], {
    cwd: dir,
    reject: false,
    env: ENV,
    extendEnv: true,
  });
}

/** Checks the state folder after a trial: duplicate worklogs, a lock left, records still running. */
function checkState(dir: string, result: KillMatrixResult, label: string): void {
  const worklogs = join(dir, 'worklogs');
  const perRun = new Map<string, number>();
  for (const f of existsSync(worklogs) ? readdirSync(worklogs) : []) {
    if (!f.endsWith('.json')) continue;
    try {
      const runId = (JSON.parse(readFileSync(join(worklogs, f), 'utf8')) as { runId: string }).runId;
      perRun.set(runId, (perRun.get(runId) ?? 0) + 1);
    } catch {
      result.wrongExitCodes.push(`${label}: unparseable twin ${f}`);
    }
  }
  for (const n of perRun.values()) if (n > 1) result.duplicateWorklogs += n - 1;
  if (existsSync(join(dir, '.tdl', 'lock.json'))) result.staleLocks += 1;
  const runs = join(dir, '.tdl', 'runs');
  for (const id of existsSync(runs) ? readdirSync(runs) : []) {
    const file = join(runs, id, 'record.json');
    if (!existsSync(file)) continue;
    try {
      const state = (JSON.parse(readFileSync(file, 'utf8')) as { state: string }).state;
      if (state === 'running' || state === 'pending') result.recordsRunning += 1;
    } catch {
      result.wrongExitCodes.push(`${label}: unparseable record ${id}`);
    }
  }
}

function runningPhase(dir: string): string {
  const runs = join(dir, '.tdl', 'runs');
  const ids = existsSync(runs) ? readdirSync(runs).sort() : [];
  const last = ids[ids.length - 1];
  if (!last || !existsSync(join(runs, last, 'record.json'))) return 'before the record';
  try {
    const r = JSON.parse(readFileSync(join(runs, last, 'record.json'), 'utf8')) as {
      state: string;
      phases: { id: string; state: string }[];
    };
    return r.phases.find((p) => p.state === 'running')?.id ?? `between phases (${r.state})`;
  } catch {
    return 'record being written';
  }
}

/** One SIGKILL at `delayMs` after start, then `tdl resume` (or the next `tdl run`), then the checks. */
async function killTrial(shape: SuiteShape, delayMs: number, result: KillMatrixResult): Promise<void> {
  const dir = project(shape, 600);
  try {
    const child = tdl(dir, ['run', '--json']);
    await sleep(delayMs);
    const where = runningPhase(dir);
    child.kill('SIGKILL');
    await child;
    result.sigkills += 1;
    result.killedIn[where] = (result.killedIn[where] ?? 0) + 1;
    const runs = join(dir, '.tdl', 'runs');
    const id = existsSync(runs)
      ? readdirSync(runs).find((d) => existsSync(join(runs, d, 'record.json')))
      : undefined;
    // Every other trial resumes the killed run; the others start the next run.
    const next = id && result.sigkills % 2 === 0 ? await tdl(dir, ['resume', id]) : await tdl(dir, ['run']);
    if (next.exitCode !== 1 && next.exitCode !== 0)
      result.wrongExitCodes.push(
        `SIGKILL at ${delayMs} ms (${shape}), then: exit ${next.exitCode} ${String(next.stderr).slice(-300)}`,
      );
    const s = await survivors(dir, 3000);
    result.processesSeen += s.seen;
    result.orphans += s.alive.length;
    if (s.alive.length)
      result.orphanTrials.push(`SIGKILL at ${delayMs} ms in ${where} (${shape}): ${s.described.join('; ')}`);
    checkState(dir, result, `SIGKILL at ${delayMs} ms (${shape})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One signal (or two INTs) to tdl once the suite and its descendants run. */
async function signalTrial(
  shape: SuiteShape,
  signal: (typeof SIGNALS)[number],
  result: KillMatrixResult,
): Promise<void> {
  const dir = project(shape, 30_000);
  try {
    const child = tdl(dir, ['run', '--json']);
    const until = Date.now() + 20_000;
    while (!readdirSync(dir).some((f) => f.startsWith('ready-')) && Date.now() < until) await sleep(20);
    if (signal === 'double SIGINT') {
      child.kill('SIGINT');
      await sleep(100);
      child.kill('SIGINT');
    } else child.kill(signal);
    const r = await child;
    result.signalTrials += 1;
    const name = signal === 'double SIGINT' ? 'SIGINT' : signal;
    const expected = 128 + constants.signals[name];
    if (r.exitCode !== expected)
      result.wrongExitCodes.push(
        `${signal} (${shape}): exit ${r.exitCode}${r.signal ? ` (ended by ${r.signal})` : ''}, expected ${expected}; stderr ends: ${String(r.stderr).slice(-300)}`,
      );
    const s = await survivors(dir, 3000);
    result.processesSeen += s.seen;
    result.orphans += s.alive.length;
    if (s.alive.length) result.orphanTrials.push(`${signal} (${shape}): ${s.described.join('; ')}`);
    checkState(dir, result, `${signal} (${shape})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface KillMatrixSize {
  sigkills: number;
  /** Rounds of every signal × every shape (5 × 6 = 30 trials a round). */
  signalRounds: number;
  /** The shapes SIGKILL trials cycle through; default all. */
  shapes?: readonly SuiteShape[];
  /** Only these signal/shape pairs (CI picks a few); default all. */
  signalPairs?: [SuiteShape, (typeof SIGNALS)[number]][];
}

export async function runKillMatrix(cli: string, size: KillMatrixSize): Promise<KillMatrixResult> {
  process.env.TDL_MATRIX_CLI = cli;
  const result: KillMatrixResult = {
    sigkills: 0,
    signalTrials: 0,
    orphans: 0,
    duplicateWorklogs: 0,
    staleLocks: 0,
    recordsRunning: 0,
    wrongExitCodes: [],
    processesSeen: 0,
    killedIn: {},
    orphanTrials: [],
  };
  for (let i = 0; i < size.sigkills; i++) {
    // Spread over the whole run: start-up, phase 0, the suite, the later phases, the last writes.
    const delay = 30 + Math.floor(Math.random() * 2200);
    const shapes = size.shapes ?? SHAPES;
    await killTrial(shapes[i % shapes.length]!, delay, result);
  }
  const pairs =
    size.signalPairs ??
    SHAPES.flatMap((shape) =>
      SIGNALS.map((signal) => [shape, signal] as [SuiteShape, (typeof SIGNALS)[number]]),
    );
  for (let round = 0; round < size.signalRounds; round++)
    for (const [shape, signal] of pairs) await signalTrial(shape, signal, result);
  return result;
}
