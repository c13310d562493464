import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { CLI, type TempProject, tdl, tempProject } from './helpers.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: lock-it
suites:
  - id: slow
    command: [node, -e, "const fs = require('fs'); fs.writeFileSync('started-' + process.env.TDL_RUN_ID, ''); const t = setInterval(() => fs.existsSync('release') && clearInterval(t), 20)"]
`,
  });
});
afterAll(() => {
  // If an assertion failed midway, let a holder still waiting for `release` finish.
  writeFileSync(join(project.dir, 'release'), '');
  for (const child of spawned) child.kill();
  project.cleanup();
});
const spawned: { kill(): boolean }[] = [];

/** Polls until `check` gives a value; the test's own timeout bounds the wait (no guessed deadline). */
async function until<T>(check: () => T | undefined): Promise<T> {
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The run id of the holder, once its suite is running (the suite then waits for `release`). */
function startedRun(): Promise<string> {
  return until(() => {
    let holder: { runId?: string };
    try {
      holder = JSON.parse(readFileSync(join(project.dir, '.tdl', 'lock.json'), 'utf8'));
    } catch {
      return undefined; // not there yet, or being written
    }
    return holder.runId && existsSync(join(project.dir, `started-${holder.runId}`))
      ? holder.runId
      : undefined;
  });
}

describe('one run at a time per repository', () => {
  it('a second run fails fast naming the holder; with --wait it runs after the first', async () => {
    const first = execa(process.execPath, [CLI, 'run', '--json'], {
      cwd: project.dir,
      reject: false,
      env: { CI: 'true' },
    });
    spawned.push(first);
    const holder = await startedRun();
    const second = await tdl(project.dir, ['run']);
    expect(second.exitCode).toBe(2);
    expect(String(second.stderr)).toMatch(
      new RegExp(`another tdl run holds .*lock\\.json: run ${holder} \\(pid \\d+ on ${hostname()}, started `),
    );
    // The holder's suite runs until the test writes `release`, which it does only once the second
    // run has said it is waiting: the order is fixed by the test, not by how fast the machine is.
    const waiting = tdl(project.dir, ['run', '--wait', '--json']);
    spawned.push(waiting);
    let waitingErr = '';
    waiting.stderr.on('data', (chunk: Buffer) => {
      waitingErr += chunk.toString('utf8');
    });
    await until(() => (waitingErr.includes(`waiting for run ${holder}`) ? true : undefined));
    expect(JSON.parse(readFileSync(join(project.dir, '.tdl', 'lock.json'), 'utf8')).runId).toBe(holder);
    writeFileSync(join(project.dir, 'release'), '');
    const waited = await waiting;
    const done = await first;
    expect(done.exitCode).toBe(0);
    expect(waited.exitCode).toBe(0);
    expect(String(waited.stderr)).toContain(`waiting for run ${holder}`);
    const a = JSON.parse(String(done.stdout)) as RunRecord;
    const b = JSON.parse(String(waited.stdout)) as RunRecord;
    expect(Date.parse(b.phases.find((p) => p.id === 'run-tests')!.startedAt!)).toBeGreaterThanOrEqual(
      Date.parse(a.endedAt!),
    );
    expect(existsSync(join(project.dir, '.tdl', 'lock.json'))).toBe(false);
  }, 60_000);

  it('a resume that waited for the lock reads the record again: it does not run again what the holder ran', async () => {
    rmSync(join(project.dir, 'release'), { force: true });
    const first = execa(process.execPath, [CLI, 'run', '--json'], {
      cwd: project.dir,
      reject: false,
      env: { CI: 'true' },
    });
    spawned.push(first);
    const holder = await startedRun();
    // The record says run-tests is unfinished when this resume starts; it then waits for the lock.
    const resume = tdl(project.dir, ['resume', holder, '--wait', '--json']);
    spawned.push(resume);
    let resumeErr = '';
    resume.stderr.on('data', (chunk: Buffer) => {
      resumeErr += chunk.toString('utf8');
    });
    await until(() => (resumeErr.includes(`waiting for run ${holder}`) ? true : undefined));
    rmSync(join(project.dir, `started-${holder}`));
    writeFileSync(join(project.dir, 'release'), '');
    const done = await first;
    const resumed = await resume;
    expect(done.exitCode).toBe(0);
    const a = JSON.parse(String(done.stdout)) as RunRecord;
    const b = JSON.parse(String(resumed.stdout)) as RunRecord;
    expect(b.runId).toBe(holder);
    // The suite did not start a second time, and the phases kept the holder's results.
    expect(existsSync(join(project.dir, `started-${holder}`))).toBe(false);
    expect(b.phases.find((p) => p.id === 'run-tests')!.startedAt).toBe(
      a.phases.find((p) => p.id === 'run-tests')!.startedAt,
    );
  }, 60_000);

  it('takes over a lock left by a process that is gone', async () => {
    const gone = await execa(process.execPath, ['-e', 'console.log(process.pid)']);
    mkdirSync(join(project.dir, '.tdl'), { recursive: true });
    writeFileSync(
      join(project.dir, '.tdl', 'lock.json'),
      JSON.stringify({
        pid: Number(gone.stdout),
        host: hostname(),
        runId: 'tdl-20200101-000000-dead00',
        startedAt: '2020-01-01T00:00:00Z',
      }),
    );
    const r = await tdl(project.dir, ['run', '--json']);
    expect(r.exitCode).toBe(0);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    const log = readFileSync(join(record.runDir, 'run.log'), 'utf8');
    expect(log).toContain('took over a lock left by a process that is gone');
    expect(log).toContain('tdl-20200101-000000-dead00');
  }, 30_000);

  it('takes over a lock whose pid now belongs to another process (PID reuse), saying so', async () => {
    // This test process is alive, but it is not the holder: the holder started at another time.
    mkdirSync(join(project.dir, '.tdl'), { recursive: true });
    writeFileSync(
      join(project.dir, '.tdl', 'lock.json'),
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        runId: 'tdl-20200101-000000-reuse0',
        startedAt: '2020-01-01T00:00:00Z',
        startTicks: 1,
      }),
    );
    const r = await tdl(project.dir, ['run', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    const log = readFileSync(join(record.runDir, 'run.log'), 'utf8');
    expect(log).toContain(`pid ${process.pid} now belongs to another process`);
    expect(existsSync(join(project.dir, '.tdl', 'lock.json'))).toBe(false);
  }, 30_000);

  it('a lock held by a live holder (same pid, same start time) is not taken over', async () => {
    const holder = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const ticks = Number(readFileSync(`/proc/${holder.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
      writeFileSync(
        join(project.dir, '.tdl', 'lock.json'),
        JSON.stringify({
          pid: holder.pid,
          host: hostname(),
          runId: 'tdl-20200101-000000-alive0',
          startedAt: '2020-01-01T00:00:00Z',
          startTicks: ticks,
        }),
      );
      const r = await tdl(project.dir, ['run']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('tdl-20200101-000000-alive0');
    } finally {
      holder.kill('SIGKILL');
      await holder.catch(() => {});
      rmSync(join(project.dir, '.tdl', 'lock.json'), { force: true });
    }
  }, 30_000);
});
