import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { alive, CLI, type TempProject, tempProject } from './helpers.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: interrupt-it
suites:
  - id: sleeper
    command: [node, -e, "require('fs').writeFileSync('started', String(process.pid)); setInterval(() => {}, 1000)"]
    timeout: 60s
  - id: never
    tier: 2
    command: [node, -e, "0"]
`,
  });
});
afterAll(() => project.cleanup());

describe('Ctrl-C', () => {
  it('stops the current suite, writes the worklog and exits 130', async () => {
    const child = execa(process.execPath, [CLI, 'run', '--json'], {
      cwd: project.dir,
      reject: false,
      env: { CI: 'true' },
    });
    // Interrupt only once the suite runs (the test's timeout bounds the wait, not a guessed count).
    while (!existsSync(join(project.dir, 'started'))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(String(r.stderr)).toContain('interrupted');
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    expect(record.state).toBe('cancelled');
    expect(record.phases.find((p) => p.id === 'run-tests')!.state).toBe('cancelled');
    expect(record.phases.find((p) => p.id === 'publish')!.state).toBe('cancelled');
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toContain('| Run state | cancelled |');
    const pid = Number(readFileSync(join(project.dir, 'started'), 'utf8'));
    expect(alive(pid)).toBe(false);
    expect(readdirSync(join(project.dir, '.tdl', 'runs'))).toEqual([record.runId]);
  }, 30_000);
});
