import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findExecutable } from '../../src/pipeline/doctor.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

// Probes start real runners (pytest, go, vitest): on a busy shared machine more than 30 s. A bound, not a wait.
vi.setConfig({ testTimeout: 120_000 });

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
        'suite ok: runner',
      ]),
    );
  });

  it('fails with the fix when a suite command is missing, exit 1', async () => {
    const r = await tdl(project.dir, ['doctor', '-p', 'missing.yaml']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain(
      '✗ suite nope: runner: tdl-surely-missing-command is not on PATH\n    fix: install tdl-surely-missing-command',
    );
  });

  it('reports an invalid playbook as a failed check with its location', async () => {
    const r = await tdl(project.dir, ['doctor', '-p', 'bad.yaml']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('✗ playbook valid: bad.yaml:2:9: suites: expected array, got 3');
  });
});

/** A PATH with only the folders of `keep` (symlinked into a temp folder): what a machine without the rest sees. */
function pathWith(project: TempProject, keep: string[]): string {
  const bin = join(project.dir, '.bin-only');
  mkdirSync(bin, { recursive: true });
  for (const name of keep) {
    const found = findExecutable(name, '/', process.env.PATH);
    if (found) symlinkSync(found, join(bin, name));
  }
  return bin;
}

describe('tdl doctor probes the real runner', () => {
  let p: TempProject;
  beforeAll(async () => {
    p = await tempProject({
      'go.yaml':
        'name: g\nsuites:\n  - id: go\n    command: [sh, -c, \'go test -json ./... > "$TDL_REPORT_DIR/go.json" 2>&1\']\n',
      'py.yaml': 'name: p\nsuites:\n  - id: py\n    command: [python3, -m, pytest, -q]\n',
      'pymod.yaml': 'name: p\nsuites:\n  - id: py\n    command: [python3, -m, tdl_surely_missing_module]\n',
      'npx.yaml':
        'name: n\nsuites:\n  - id: vi\n    command: [npx, vitest, run]\n  - id: je\n    command: [npx, jest]\n',
      'slow.yaml': 'name: s\nsuites:\n  - id: slow\n    command: [sh, -c, "go test ./..."]\n',
    });
    // vitest is a dependency of tdl itself: a node_modules/.bin/vitest the way npx finds it.
    mkdirSync(join(p.dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(resolve('node_modules/vitest/vitest.mjs'), join(p.dir, 'node_modules', '.bin', 'vitest'));
  });
  afterAll(() => p.cleanup());
  const check = async (file: string, env: Record<string, string> = {}) => {
    const r = await tdl(p.dir, ['doctor', '--json', '-p', file], env);
    const out = JSON.parse(String(r.stdout)) as {
      checks: { name: string; ok: boolean; detail: string; fix?: string }[];
    };
    return { exitCode: r.exitCode, suites: out.checks.filter((c) => c.name.startsWith('suite ')) };
  };

  it.runIf(findExecutable('go', '/', process.env.PATH))(
    'go behind sh -c: present → its version',
    async () => {
      const r = await check('go.yaml');
      expect(r.suites).toEqual([
        expect.objectContaining({ ok: true, detail: expect.stringMatching(/^go: go version go1\./) }),
      ]);
    },
  );

  it('go behind sh -c: absent → fails with the fix, although sh is there', async () => {
    const r = await check('go.yaml', { PATH: pathWith(p, ['sh', 'git']) });
    expect(r.exitCode).toBe(1);
    expect(r.suites).toEqual([
      expect.objectContaining({
        ok: false,
        detail: 'go is not on PATH',
        fix: expect.stringContaining('install Go'),
      }),
    ]);
  });

  it.runIf(findExecutable('python3', '/', process.env.PATH))(
    'python3 -m pytest: present → pytest --version; a missing module fails',
    async () => {
      const present = await check('py.yaml');
      expect(present.suites[0]).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/^pytest: pytest \d/),
      });
      const missing = await check('pymod.yaml');
      expect(missing.suites[0]).toMatchObject({
        ok: false,
        detail: expect.stringContaining('module tdl_surely_missing_module not found'),
      });
    },
  );

  it('python3 -m pytest where python3 has no pytest → fails with the fix', async () => {
    // A python3 that is there but cannot import pytest: the PATH check alone would pass it.
    const fake = join(p.dir, 'fakepy');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'python3'), '#!/bin/sh\necho "No module named pytest" >&2\nexit 1\n', {
      mode: 0o755,
    });
    const r = await check('py.yaml', { PATH: `${fake}:${process.env.PATH}` });
    expect(r.suites[0]).toMatchObject({
      ok: false,
      detail: 'python3 -m pytest --version failed: No module named pytest',
      fix: expect.stringContaining('install pytest'),
    });
  });

  it('npx: a runner in node_modules/.bin is run for its version; one that is not installed fails', async () => {
    const r = await check('npx.yaml');
    expect(r.suites[0]).toMatchObject({
      name: 'suite vi: runner',
      ok: true,
      detail: expect.stringMatching(/^vitest: vitest\/\d/),
    });
    expect(r.suites[1]).toMatchObject({
      name: 'suite je: runner',
      ok: false,
      detail: 'jest is not in node_modules/.bin (npx jest)',
      fix: expect.stringContaining('npm install'),
    });
  });

  it('a probe that does not answer is cut at the timeout and fails', async () => {
    const fake = join(p.dir, 'fakego');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'go'), '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
    const r = await check('slow.yaml', {
      PATH: `${fake}:${process.env.PATH}`,
      TDL_DOCTOR_PROBE_TIMEOUT_MS: '300',
    });
    expect(r.suites[0]).toMatchObject({ ok: false, detail: 'go version did not answer within 0.3 s' });
  });
});
