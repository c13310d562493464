/**
 * Test ids are repository-relative and format-independent: the same vitest suite, run from two
 * checkout folders and reported once as JSON (absolute file paths) and once as JUnit (relative
 * paths), gives the same ids; the green run in the other folder closes the issues the first filed.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { comparableTests } from '../../src/decision/compare.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta } from '../../src/services/issue-markers.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const VITEST = resolve(import.meta.dirname, '../../node_modules/vitest/vitest.mjs');
const TOKEN = 'ghp_identitytoken000000000000000000000000';

const suite = (format: 'json' | 'junit') => `  - id: unit
    tier: 1
    command: [node, ${JSON.stringify(VITEST)}, run, --root, ., --globals, --reporter=${format}, "--outputFile={reportDir}/unit.${format === 'json' ? 'json' : 'xml'}"]
    report: { path: "{reportDir}/unit.${format === 'json' ? 'json' : 'xml'}" }
    timeout: 60s
`;
const playbook = (format: 'json' | 'junit') =>
  `name: identity-shop\nsuites:\n${suite(format)}worklog: { dir: worklogs }\ngithub:\n  repo: acme/shop\n  labels: [tdl]\n  closeAfter: 1\n`; // one green run closes here (the hysteresis is test/integration/history-loop.test.ts)

const SUM = (bug: boolean) => `export const sum = (a, b) => a + b${bug ? ' + 1' : ''};\n`;
const TESTS = `import { sum } from '../src/sum.js';
describe('math', () => {
  it('adds small numbers', () => expect(sum(1, 2)).toBe(3));
  it('adds zero', () => expect(sum(0, 0)).toBe(0));
  it('knows its name', () => expect('math').toBe('math'));
});
`;

let emu: GitHubEmulator;
let a: TempProject;
const b = { dir: '' };

const env = () => ({
  TDL_GITHUB_API_URL: emu.url,
  TDL_GITHUB_WRITE_SPACING_MS: '0',
  GITHUB_TOKEN: TOKEN,
  GH_TOKEN: '',
});
async function run(dir: string): Promise<RunRecord> {
  const r = await tdl(dir, ['run', '--json', '--publish', 'github'], env());
  expect(r.stdout, r.stderr).toMatch(/^\{/);
  return JSON.parse(r.stdout) as RunRecord;
}
const ids = (r: RunRecord) => [...comparableTests(phaseData(r, 'run-tests')!).keys()].sort();
const children = () =>
  emu.repo('acme/shop').issues.filter((i) => !i.pull && readMeta(i.body)?.kind === 'child');

let failingJson: RunRecord;
let greenJunit: RunRecord;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/shop'], tokens: [TOKEN] });
  a = await tempProject({
    '.gitignore': '.tdl/\n',
    'package.json': '{ "type": "module" }\n',
    'tdl.yaml': playbook('json'),
    'src/sum.js': SUM(true),
    'test/math.test.js': TESTS,
  });
  failingJson = await run(a.dir);
  // Another checkout folder (another machine, another person) sharing the committed worklogs: the
  // bug is fixed and the suite now reports JUnit.
  b.dir = `${a.dir}-elsewhere`;
  cpSync(a.dir, b.dir, { recursive: true });
  rmSync(join(b.dir, '.tdl'), { recursive: true, force: true });
  writeFileSync(join(b.dir, 'src/sum.js'), SUM(false));
  writeFileSync(join(b.dir, 'tdl.yaml'), playbook('junit'));
  greenJunit = await run(b.dir);
}, 120_000);

afterAll(async () => {
  await emu.close();
  a.cleanup();
  rmSync(b.dir, { recursive: true, force: true });
});

describe('test ids across checkout folders and report formats', () => {
  it('the JSON run in one folder and the JUnit run in another give the same ids', () => {
    const suiteA = phaseData(failingJson, 'run-tests')!.suites[0]!;
    const suiteB = phaseData(greenJunit, 'run-tests')!.suites[0]!;
    expect(suiteA.report?.format).toBe('vitest-json');
    expect(suiteB.report?.format).toBe('junit');
    expect(suiteA.cases.map((c) => c.suite)).toEqual([
      'test/math.test.js',
      'test/math.test.js',
      'test/math.test.js',
    ]);
    expect(ids(failingJson)).toHaveLength(3);
    expect(ids(greenJunit)).toEqual(ids(failingJson));
  });

  it('the green run from the other folder closes the issues the first filed, and sees no new test', () => {
    const issues = children();
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.state)).toEqual(issues.map(() => 'closed'));
    const stability = greenJunit.phases.find((p) => p.id === 'stability')!;
    expect(JSON.stringify(stability.data)).not.toMatch(/new test/i);
  });

  it('no absolute path of either folder is in the worklogs, their JSON twins, the run records or the issues', () => {
    for (const dir of [a.dir, b.dir]) {
      for (const name of readdirSync(join(dir, 'worklogs')).filter((n) => /\.(md|json)$/.test(n))) {
        const text = readFileSync(join(dir, 'worklogs', name), 'utf8');
        expect(text, `${dir}/worklogs/${name}`).not.toContain(a.dir);
      }
    }
    const worklogB = readdirSync(join(b.dir, 'worklogs')).filter((n) => n.endsWith('.md'));
    const texts = worklogB.map((n) => readFileSync(join(b.dir, 'worklogs', n), 'utf8')).join('\n');
    // The earlier run's links point inside this clone, not at the folder it was written in.
    expect(texts).not.toContain(b.dir);
    expect(texts).toMatch(/\]\(E2E-DEPLOY-REMEDIATE-WORKLOG-[^)/]+\.md\)/);
    expect(texts).not.toMatch(/\]\(\.\.\/\.\.\//);
    // Nor in the run records (.tdl/runs/<id>/record.json). What --json prints is for this machine, at
    // once: its paths are absolute (docs/agents.md), but test ids, stacks and messages are relative.
    for (const dir of [a.dir, b.dir]) {
      for (const id of readdirSync(join(dir, '.tdl', 'runs'))) {
        const text = readFileSync(join(dir, '.tdl', 'runs', id, 'record.json'), 'utf8');
        expect(text, `${dir}/.tdl/runs/${id}/record.json`).not.toContain(dir);
        expect(JSON.parse(text).repo.dir).toBe('.');
      }
    }
    const printed = JSON.parse(JSON.stringify(failingJson)) as RunRecord;
    expect(printed.worklog?.markdown.startsWith(a.dir)).toBe(true);
    const suite = phaseData(printed, 'run-tests')!.suites[0]!;
    expect(JSON.stringify(suite.cases)).not.toContain(a.dir);
    for (const issue of emu.repo('acme/shop').issues) {
      expect(issue.body).not.toContain(a.dir);
      for (const c of issue.comments) expect(c.body).not.toContain(a.dir);
    }
  });
});
