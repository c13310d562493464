import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempProject, tdl, tempProject } from './helpers.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': 'name: doc\nsuites:\n  - id: ok\n    command: [node, -e, "0"]\n',
    'missing.yaml': 'name: doc\nsuites:\n  - id: nope\n    command: [tdl-surely-missing-command]\n',
    'bad.yaml': 'name: doc\nsuites: 3\n',
  });
});
afterAll(() => project.cleanup());

describe('tdl doctor', () => {
  it('passes every check for a runnable playbook, exit 0', async () => {
    const r = await tdl(project.dir, ['doctor', '--json']);
    const out = JSON.parse(String(r.stdout));
    expect(r.exitCode).toBe(0);
    expect(out.ok).toBe(true);
    expect(out.checks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        'Node.js version',
        'git',
        'playbook valid',
        'worklog folder writable',
        'suite ok: command found',
      ]),
    );
  });

  it('fails with the fix when a suite command is missing, exit 1', async () => {
    const r = await tdl(project.dir, ['doctor', '-p', 'missing.yaml']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain(
      '✗ suite nope: command found: tdl-surely-missing-command is not on PATH\n    fix: install tdl-surely-missing-command',
    );
  });

  it('reports an invalid playbook as a failed check with its location', async () => {
    const r = await tdl(project.dir, ['doctor', '-p', 'bad.yaml']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('✗ playbook valid: bad.yaml:2:9: suites: expected array, got 3');
  });
});
