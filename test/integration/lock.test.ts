import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/pipeline/record.js';
import { CLI, type TempProject, tdl, tempProject } from './helpers.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: lock-it
suites:
  - id: slow
    command: [node, -e, "require('fs').writeFileSync('started-' + process.env.TDL_RUN_ID, ''); setTimeout(() => {}, 1500)"]
`,
  });
});
afterAll(() => project.cleanup());

async function startedRun(): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const lock = join(project.dir, '.tdl', 'lock.json');
    if (existsSync(lock)) {
      const holder = JSON.parse(readFileSync(lock, 'utf8'));
      if (existsSync(join(project.dir, `started-${holder.runId}`))) return holder.runId as string;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('first run did not start');
}

describe('one run at a time per repository', () => {
  it('a second run fails fast naming the holder; with --wait it runs after the first', async () => {
    const first = execa(process.execPath, [CLI, 'run', '--json'], {
      cwd: project.dir,
      reject: false,
      env: { CI: 'true' },
    });
    const holder = await startedRun();
    const second = await tdl(project.dir, ['run']);
    expect(second.exitCode).toBe(2);
    expect(String(second.stderr)).toMatch(
      new RegExp(`another tdl run holds .*lock\\.json: run ${holder} \\(pid \\d+ on ${hostname()}, started `),
    );
    const waited = await tdl(project.dir, ['run', '--wait', '--json']);
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
  }, 30_000);

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
});
