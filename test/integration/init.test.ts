/**
 * `tdl init` on fixture repositories, then `tdl doctor` and `tdl run` on what it wrote, unchanged, with
 * the real runners this machine has (node, vitest from tdl's own node_modules, python3 with pytest, go).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { RunTestsData } from '../../src/phase-data/run-tests.js';
import { findExecutable } from '../../src/pipeline/doctor.js';
import { FAILING_TEST, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

// Each test starts tdl three times and the real runner (pytest, go, vitest) behind it: on a machine shared
// by several busy sessions that takes more than the default 30 s. A bound, not a wait.
vi.setConfig({ testTimeout: 180_000 });

const projects: TempProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});
const has = (program: string) => findExecutable(program, '/', process.env.PATH) !== null;
const hasPytest = has('python3') && spawnSync('python3', ['-m', 'pytest', '--version']).status === 0;

async function project(files: Record<string, string>): Promise<TempProject> {
  const p = await tempProject(files);
  projects.push(p);
  return p;
}

interface Checked {
  text: string;
  init: Record<string, unknown>;
  doctor: { name: string; ok: boolean; detail: string }[];
  exitCode: number | undefined;
  suites: RunTestsData['suites'];
}

/** init → doctor → run, exactly as written; returns what each said. */
async function initDoctorRun(p: TempProject): Promise<Checked> {
  const init = await tdl(p.dir, ['init', '--json']);
  expect(init.exitCode, String(init.stderr)).toBe(0);
  const doctor = await tdl(p.dir, ['doctor', '--json']);
  const checks = (JSON.parse(String(doctor.stdout)) as { checks: Checked['doctor'] }).checks.filter((c) =>
    c.name.startsWith('suite '),
  );
  const run = await tdl(p.dir, ['run', '--publish', 'none', '--json']);
  const record = JSON.parse(String(run.stdout)) as RunRecord;
  const data = phaseData(record, 'run-tests')!;
  return {
    text: readFileSync(join(p.dir, 'tdl.yaml'), 'utf8'),
    init: JSON.parse(String(init.stdout)),
    doctor: checks,
    exitCode: run.exitCode,
    suites: data.suites,
  };
}

const counts = (s: RunTestsData['suites'][number]) => {
  const { passed, failed, errored, skipped } = s.counts;
  return { passed, failed, errored, skipped };
};

describe('tdl init: node:test', () => {
  it('a script with && and the project’s own flags: the test command alone, TAP with exact counts, named after the package', async () => {
    const p = await project({
      'package.json': JSON.stringify({
        name: '@acme/widget',
        scripts: { test: 'node --test --test-concurrency=1 test/ && npm run lint', lint: 'node -e 0' },
      }),
      'test/a.test.mjs': PASSING_TEST,
      'test/b.test.mjs': FAILING_TEST,
    });
    await execa('git', ['remote', 'add', 'origin', 'git@github.com:acme/widget.git'], { cwd: p.dir });
    const r = await initDoctorRun(p);
    expect(r.text).toContain('name: "@acme/widget"');
    expect(r.text).toContain('# left out of the suite (not a test run): npm run lint');
    expect(r.text).toContain(
      'command: [node, --test, --test-reporter=spec, --test-reporter-destination=stdout, --test-reporter=tap, "--test-reporter-destination={reportDir}/node-test.tap", --test-concurrency=1, test/]',
    );
    expect(r.text).toContain('github:\n  repo: acme/widget\n  baseBranch: main');
    expect(r.doctor).toEqual([expect.objectContaining({ name: 'suite node-test: runner', ok: true })]);
    expect(r.exitCode).toBe(1);
    expect(r.suites.map((s) => [s.id, s.report?.format, counts(s)])).toEqual([
      ['node-test', 'tap', { passed: 3, failed: 1, errored: 0, skipped: 0 }],
    ]);
    // spec on stdout: the log is node's own readable output, not TAP.
    expect(r.suites[0]!.outputTail).toMatch(/ℹ tests 4/);
  });
});

describe('tdl init: vitest', () => {
  it('the JSON report with the console reporter kept; the project’s flags kept', async () => {
    const p = await project({
      'package.json': JSON.stringify({
        name: 'vi',
        type: 'module',
        scripts: { test: 'vitest run --reporter=dot --passWithNoTests=false && echo done' },
        devDependencies: { vitest: '3.2.7' },
      }),
      'vitest.config.mjs': 'export default {};\n',
      'a.test.mjs':
        "import { test, expect } from 'vitest';\ntest('ok', () => expect(1).toBe(1));\ntest('no', () => expect(1).toBe(2));\n",
    });
    mkdirSync(join(p.dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(resolve('node_modules/vitest'), join(p.dir, 'node_modules', 'vitest'));
    symlinkSync(resolve('node_modules/vitest/vitest.mjs'), join(p.dir, 'node_modules', '.bin', 'vitest'));
    const r = await initDoctorRun(p);
    expect(r.text).toContain(
      'command: [npx, vitest, run, --passWithNoTests=false, --reporter=default, --reporter=json, "--outputFile.json={reportDir}/vitest.json"]',
    );
    expect(r.doctor).toEqual([
      expect.objectContaining({ ok: true, detail: expect.stringMatching(/^vitest: vitest\/3/) }),
    ]);
    expect(r.suites.map((s) => [s.report?.format, counts(s)])).toEqual([
      ['vitest-json', { passed: 1, failed: 1, errored: 0, skipped: 0 }],
    ]);
    expect(r.suites[0]!.outputTail).toMatch(/Tests\s+1 failed \| 1 passed \(2\)/);
    expect(r.suites[0]!.outputTail).toMatch(/Test Files\s+1 failed \(1\)/);
  });
});

describe('tdl init: a workspaces monorepo', () => {
  it('one suite per package, run in its folder; the root’s `npm test --workspaces` left out', async () => {
    const p = await project({
      'package.json': JSON.stringify({
        name: 'mono',
        private: true,
        workspaces: ['packages/*'],
        scripts: { test: 'npm test --workspaces --if-present' },
      }),
      'packages/core/package.json': JSON.stringify({ name: 'core', scripts: { test: 'node --test' } }),
      'packages/core/test/a.test.mjs': PASSING_TEST,
      'packages/web/package.json': JSON.stringify({
        name: 'web',
        scripts: { test: 'npm run unit', unit: 'node --test' },
      }),
      'packages/web/test/b.test.mjs': FAILING_TEST,
      'packages/docs/package.json': JSON.stringify({ name: 'docs' }),
    });
    const r = await initDoctorRun(p);
    expect(r.init.suites).toEqual(['core-node-test', 'web-node-test']);
    expect(r.text).toContain('cwd: packages/core');
    expect(r.doctor.every((c) => c.ok)).toBe(true);
    expect(r.suites.map((s) => [s.id, counts(s)])).toEqual([
      ['core-node-test', { passed: 2, failed: 0, errored: 0, skipped: 0 }],
      ['web-node-test', { passed: 1, failed: 1, errored: 0, skipped: 0 }],
    ]);
  });
});

describe.runIf(hasPytest)('tdl init: Python', () => {
  it('pytest with a src layout: PYTHONPATH=src, so the tests import the package without an install', async () => {
    const p = await project({
      'pyproject.toml': '[project]\nname = "calc"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'src/calc/__init__.py': 'def add(a, b):\n    return a + b\n',
      'tests/test_calc.py':
        'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n\ndef test_bad():\n    assert add(1, 1) == 3\n',
    });
    const r = await initDoctorRun(p);
    expect(r.text).toContain('name: calc');
    expect(r.text).toContain('env: {PYTHONPATH: src}');
    expect(r.doctor).toEqual([
      expect.objectContaining({ ok: true, detail: expect.stringMatching(/^pytest: pytest \d/) }),
    ]);
    expect(r.suites.map((s) => counts(s))).toEqual([{ passed: 1, failed: 1, errored: 0, skipped: 0 }]);
  });

  it('unittest-style tests without a pytest config and without package.json: pytest runs them (not npm test)', async () => {
    const p = await project({
      'setup.py': 'from setuptools import setup\nsetup(name="legacy")\n',
      'tests/__init__.py': '',
      'tests/test_u.py':
        'import unittest\n\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(1, 1)\n    @unittest.skip("later")\n    def test_b(self):\n        pass\n',
    });
    const r = await initDoctorRun(p);
    expect(r.text).not.toContain('npm');
    expect(r.text).toContain('unittest-style tests (tests/test_u.py), run by pytest');
    expect(r.exitCode).toBe(0);
    expect(r.suites.map((s) => [s.id, counts(s)])).toEqual([
      ['pytest', { passed: 1, failed: 0, errored: 0, skipped: 1 }],
    ]);
  });

  it('pytest subtests: one entry per test, a test with a failing subtest failed (README: how subtests count)', async () => {
    const p = await project({
      'pytest.ini': '[pytest]\n',
      'test_sub.py':
        'def test_each(subtests):\n    for i in range(3):\n        with subtests.test(i=i):\n            assert i != 1\n\ndef test_all_ok(subtests):\n    for i in range(2):\n        with subtests.test(i=i):\n            pass\n',
    });
    const r = await initDoctorRun(p);
    expect(r.suites.map((s) => counts(s))).toEqual([{ passed: 1, failed: 1, errored: 0, skipped: 0 }]);
    // The report lists every failing subtest: no note that failures are missing from the file.
    expect(r.suites[0]!.findings.filter((f) => f.kind === 'report-note')).toEqual([]);
  });
});

describe.runIf(has('go'))('tdl init: go', () => {
  it('go test -json with 2>&1: a package that does not build keeps the compiler message in the report', async () => {
    const p = await project({
      'go.mod': 'module example.com/gx\n\ngo 1.19\n',
      'add.go': 'package gx\n\nfunc Add(a, b int) int { return a + b }\n',
      'add_test.go':
        'package gx\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("bad")\n\t}\n}\n',
      'broken/broken.go': 'package broken\n\nfunc F() int { return undefinedThing }\n',
      'broken/broken_test.go': 'package broken\n\nimport "testing"\n\nfunc TestF(t *testing.T) { F() }\n',
    });
    const r = await initDoctorRun(p);
    expect(r.text).toContain('command: [sh, -c, go test -json ./... > "$TDL_REPORT_DIR/go-test.json" 2>&1]');
    expect(r.doctor).toEqual([
      expect.objectContaining({ ok: true, detail: expect.stringMatching(/^go: go version/) }),
    ]);
    const [suite] = r.suites;
    expect(counts(suite!)).toEqual({ passed: 1, failed: 0, errored: 1, skipped: 0 });
    expect(suite!.cases.find((c) => c.status === 'errored')!.message).toMatch(/undefined: undefinedThing/);
  });
});

describe('tdl init: repository facts', () => {
  it('default branch from origin/HEAD (master), else main/master; $schema only where the schema is installed', async () => {
    const p = await project({
      'package.json': JSON.stringify({ name: 'b', scripts: { test: 'node --test' } }),
    });
    const git = (...args: string[]) => execa('git', args, { cwd: p.dir });
    await git('branch', '-m', 'master');
    await git('remote', 'add', 'origin', 'https://github.com/acme/b.git');
    await git('update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    const viaHead = JSON.parse(String((await tdl(p.dir, ['init', '--json'])).stdout));
    expect(viaHead.baseBranch).toEqual({ name: 'trunk', ref: 'origin/trunk', from: 'origin/HEAD' });
    expect(viaHead.schema).toBeNull();
    const text = readFileSync(join(p.dir, 'tdl.yaml'), 'utf8');
    expect(text).toContain(
      'decision:\n  # The default branch (origin/HEAD): atomic-change diffs against it.\n  base: origin/trunk',
    );
    expect(text).toContain('  baseBranch: trunk');
    expect(text.split('\n').some((l) => l.startsWith('# yaml-language-server'))).toBe(false);

    await git('symbolic-ref', '--delete', 'refs/remotes/origin/HEAD');
    const schemaDir = join(p.dir, 'node_modules', 'test-deploy-loop', 'schemas');
    mkdirSync(schemaDir, { recursive: true });
    copyFileSync(resolve('schemas/playbook.schema.json'), join(schemaDir, 'playbook.schema.json'));
    const noHead = JSON.parse(String((await tdl(p.dir, ['init', '--json', '--force'])).stdout));
    expect(noHead.baseBranch).toEqual({
      name: 'master',
      ref: 'master',
      from: 'a branch named master (no origin/HEAD)',
    });
    expect(noHead.schema).toBe('node_modules/test-deploy-loop/schemas/playbook.schema.json');
    expect(existsSync(join(p.dir, noHead.schema))).toBe(true);
    // The atomic-change criterion resolves the base written.
    const dry = await tdl(p.dir, ['run', '--dry-run', '--json']);
    expect(dry.exitCode).toBe(0);
  });

  it('no runner found: a placeholder that doctor fails on until it is replaced', async () => {
    const p = await project({ 'README.md': '# nothing to test\n' });
    const r = await initDoctorRun(p);
    expect(r.text).toContain('command: [replace-with-your-test-command]');
    expect(r.doctor).toEqual([
      expect.objectContaining({ ok: false, detail: 'replace-with-your-test-command is not on PATH' }),
    ]);
  });

  it('refuses to overwrite without --force, and never guesses a cloud project', async () => {
    const p = await project({ 'package.json': '{"scripts":{"test":"node --test test/"}}' });
    expect((await tdl(p.dir, ['init'])).exitCode).toBe(0);
    const again = await tdl(p.dir, ['init']);
    expect(again.exitCode).toBe(2);
    expect(String(again.stderr)).toContain('tdl.yaml already exists; pass --force to overwrite it');
    expect(readFileSync(join(p.dir, 'tdl.yaml'), 'utf8')).not.toContain('gcp:');
    const partial = await tdl(p.dir, ['init', '--force', '--gcp-project', 'p']);
    expect(partial.exitCode).toBe(2);
    const full = await tdl(p.dir, [
      'init',
      '--force',
      '--gcp-project',
      'p',
      '--region',
      'europe-west1',
      '--service',
      'api',
      '--service',
      'web',
    ]);
    expect(full.exitCode).toBe(0);
    const text = readFileSync(join(p.dir, 'tdl.yaml'), 'utf8');
    expect(text).toContain('gcp: { project: p, region: europe-west1 }');
    expect(text.match(/- name: /g)).toHaveLength(2);
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8').match(/\.tdl\//g)).toHaveLength(1);
  });
});
