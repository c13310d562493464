/**
 * One change, one cluster, one issue (issue 13, point 3): a field renamed in one hunk of
 * `src/lib.js` breaks three tests three different ways (two TypeErrors in different functions, a
 * wrong value), signatures that share nothing. tdl runs in process on a real git repository with a
 * real child process writing JUnit, publishing to the loopback GitHub emulator:
 * 1. commit A: all pass;
 * 2. commit B renames the field (one hunk): the three failures are one cluster, its regression range
 *    A → B, one issue;
 * 3. commit C adds an unrelated file: the tests still fail; the range is still A → B (where their
 *    streak started), so the cluster and the issue are the same (no new issue);
 * 4. commit D changes two files of code at once (`src/lib.js` fixed but its query upper-cased, and a
 *    second bug in `src/file.js`): the query test's range has two files and joins nothing; the file
 *    name test, failing since B for a new reason now, is not said to be broken by B's change.
 * And in a second repository, as an agent works: commit E green; the field renamed in the working
 * tree, not committed: one cluster, its range E → the working tree; that edit committed as F: the
 * same cluster and issue, its range E → F.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clustersFor } from '../../src/clustering/cluster.js';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { startRun } from '../../src/pipeline/session.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta } from '../../src/services/issue-markers.js';
import { runOptions } from '../builders/run.js';
import { type TempProject, tempProject } from './helpers.js';

const TOKEN = `ghp_${'R'.repeat(36)}`;

const LIB = (field: string, good = true) => `exports.parse = (url) => {
  const [path, search = ''] = url.split('?');
  return { ${field}: path, search${good ? '' : ': search.toUpperCase()'} };
};
`;
const FILE = (good: boolean) => `const { parse } = require('./lib.js');
exports.filename = (url) => {
  const m = parse(url).pathname.match(/[^/]*$/);
  return ${good ? 'm[0]' : 'm[0].toUpperCase()'};
};
`;
const DECODE = `const { parse } = require('./lib.js');
exports.decode = (url) => parse(url).pathname.replace(/%20/g, ' ');
`;
// A tiny runner: each test runs for real; a failure's stack is the real one (absolute paths, as a
// runner prints them; tdl makes them repository-relative).
const RUNNER = `const assert = require('node:assert/strict');
const { writeFileSync } = require('node:fs');
const { parse } = require('./src/lib.js');
const { decode } = require('./src/decode.js');
const { filename } = require('./src/file.js');
const tests = {
  'decodes the path': () => assert.equal(decode('/a%20b?x=1'), '/a b'),
  'finds the file name': () => assert.equal(filename('/docs/readme.txt'), 'readme.txt'),
  'keeps the path': () => assert.equal(parse('/a?q').pathname ?? '', '/a'),
  'keeps the query': () => assert.equal(parse('/a?q').search, 'q'),
};
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
let failed = 0;
const cases = Object.entries(tests).map(([name, fn]) => {
  try { fn(); return '<testcase classname="test/url.test.js" name="' + name + '" time="0.001"/>'; }
  catch (e) { failed++; return '<testcase classname="test/url.test.js" name="' + name + '" time="0.001"><failure type="' + e.name + '" message="' + esc(e.message) + '">' + esc(e.stack) + '</failure></testcase>'; }
});
writeFileSync(process.env.TDL_REPORT_DIR + '/url.xml', '<?xml version="1.0"?><testsuites><testsuite name="url" tests="4" failures="' + failed + '">' + cases.join('') + '</testsuite></testsuites>');
process.exit(failed ? 1 : 0);
`;

const PLAYBOOK = `name: regression-range
suites:
  - id: url
    command: [node, run.js]
    report: { format: junit, path: "{reportDir}/url.xml" }
    timeout: 60s
github:
  repo: acme/url
  labels: [tdl-url]
`;

let emu: GitHubEmulator;
let project: TempProject;
let agent: TempProject;
const records: RunRecord[] = [];
const commits: string[] = [];
/** The child issues (numbers) after each run. */
const issuesAfter: number[][] = [];

async function commit(message: string): Promise<void> {
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project.dir });
  await git('add', '-A');
  await git('commit', '-qm', message);
  commits.push((await git('rev-parse', 'HEAD')).stdout.trim());
}

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/url'], tokens: [TOKEN] });
  project = await tempProject({
    'tdl.yaml': PLAYBOOK,
    'run.js': RUNNER,
    'src/lib.js': LIB('pathname'),
    'src/decode.js': DECODE,
    'src/file.js': FILE(true),
    '.gitignore': 'worklogs/\n.tdl/\n',
  });
  commits.push((await execa('git', ['rev-parse', 'HEAD'], { cwd: project.dir })).stdout.trim());
  const env = {
    ...process.env,
    CI: 'true',
    TDL_GITHUB_API_URL: emu.url,
    TDL_GITHUB_WRITE_SPACING_MS: '0',
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: '',
  };
  const run = async () => {
    records.push(
      await startRun(join(project.dir, 'tdl.yaml'), runOptions({ publish: 'github' }), {
        cwd: project.dir,
        env,
        humanLog: null,
      }),
    );
    issuesAfter.push(childIssues().map((i) => i.number));
  };
  await run(); // 1: A, green
  project.write('src/lib.js', LIB('path'));
  await commit('rename pathname to path'); // B: one hunk
  await run();
  project.write('src/other.js', 'exports.other = 1;\n');
  await commit('an unrelated file'); // C
  await run();
  project.write('src/lib.js', LIB('pathname', false));
  project.write('src/file.js', FILE(false));
  await commit('two changes at once'); // D
  await run();
  // The agent's repository (its own playbook name, so its own issues).
  const first = project;
  project = await tempProject({
    'tdl.yaml': PLAYBOOK.replace('name: regression-range', 'name: regression-range-agent'),
    'run.js': RUNNER,
    'src/lib.js': LIB('pathname'),
    'src/decode.js': DECODE,
    'src/file.js': FILE(true),
    '.gitignore': 'worklogs/\n.tdl/\n',
  });
  agent = project;
  project = first;
  const inAgent = async (step: () => Promise<void>) => {
    project = agent;
    try {
      await step();
    } finally {
      project = first;
    }
  };
  await inAgent(async () => {
    commits.push((await execa('git', ['rev-parse', 'HEAD'], { cwd: agent.dir })).stdout.trim()); // E
    await run(); // 5: green
    agent.write('src/lib.js', LIB('path'));
    await run(); // 6: the rename in the working tree, not committed
    await commit('rename'); // F
    await run(); // 7
  });
}, 240_000);

afterAll(async () => {
  await emu.close();
  project?.cleanup();
  agent?.cleanup();
});

const childIssues = () => emu.repo('acme/url').issues.filter((i) => readMeta(i.body)?.kind === 'child');

describe('failures that broke with one change', () => {
  it('run 1 passed; run 2 failed three tests three different ways', () => {
    expect(phaseData(records[0]!, 'run-tests')!.counts.failed).toBe(0);
    const failures = phaseData(records[1]!, 'run-tests')!.suites[0]!.cases.filter(
      (c) => c.status === 'failed',
    );
    expect(failures.map((c) => c.name).sort()).toEqual([
      'decodes the path',
      'finds the file name',
      'keeps the path',
    ]);
    // Without the range they are three clusters: nothing in their messages or frames links them.
    expect(new Set(failures.map((c) => (c.message ?? '').split('\n')[0])).size).toBe(3);
  });

  it('records the regression range and the one hunk changed across it', () => {
    const [range] = phaseData(records[1]!, 'run-tests')!.regressions!;
    expect(range).toMatchObject({ from: commits[0], to: commits[1], files: ['src/lib.js'], hunks: 1 });
    expect(range!.tests).toHaveLength(3);
  });

  it('groups them as one cluster that names the change, and files one issue', () => {
    const clusters = phaseData(records[1]!, 'root-cause')!.clusters;
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.tests).toHaveLength(3);
    expect(clusters[0]!.change).toEqual({ file: 'src/lib.js', from: commits[0], to: commits[1] });
    expect(issuesAfter[1]).toHaveLength(1);
    // The issue and the worklog say which change it broke with.
    const body = childIssues()[0]!.body;
    expect(body).toContain('**Broke with:** one hunk of `src/lib.js`');
    expect(body).toContain(commits[0]!.slice(0, 12));
    expect(readFileSync(records[1]!.worklog!.markdown, 'utf8')).toContain(
      'Broke with one change: one hunk of `src/lib.js`',
    );
    // Phase 6 without phase 3 (clustersFor from phase 2's data) gives the same cluster.
    expect(
      clustersFor({ ...records[1]!, phases: records[1]!.phases.filter((p) => p.id !== 'root-cause') }),
    ).toEqual([expect.objectContaining({ id: clusters[0]!.id, tests: clusters[0]!.tests })]);
  });

  it('keeps the cluster and the issue the next night, after an unrelated commit', () => {
    const [range] = phaseData(records[2]!, 'run-tests')!.regressions!;
    // The streak started in run 2, at commit B: the range does not move with HEAD.
    expect(range).toMatchObject({ from: commits[0], to: commits[1], files: ['src/lib.js'], hunks: 1 });
    const clusters = phaseData(records[2]!, 'root-cause')!.clusters;
    expect(clusters.map((c) => c.id)).toEqual([phaseData(records[1]!, 'root-cause')!.clusters[0]!.id]);
    expect(issuesAfter[2]).toEqual(issuesAfter[1]);
  });

  it('joins nothing across a range that changed two files of code', () => {
    const tests = phaseData(records[3]!, 'run-tests')!;
    const failing = tests.suites[0]!.cases.filter((c) => c.status === 'failed').map((c) => c.name);
    expect(failing.sort()).toEqual(['finds the file name', 'keeps the query']);
    const ranges = tests.regressions!;
    expect(ranges.find((r) => r.tests.some((t) => t.endsWith('keeps the query')))).toMatchObject({
      from: commits[2],
      to: commits[3],
      files: ['src/file.js', 'src/lib.js'],
      hunks: null,
    });
    const clusters = phaseData(records[3]!, 'root-cause')!.clusters;
    expect(clusters).toHaveLength(2);
    // Neither is said to come from one change: the file name test's range (A to B, one hunk) is
    // where its failing streak started, but it fails for another reason now and joins nothing.
    expect(clusters.map((c) => c.change)).toEqual([undefined, undefined]);
    const worklog = readFileSync(records[3]!.worklog!.markdown, 'utf8');
    expect(worklog).toContain('keeps the query');
  });

  it("an agent's uncommitted edit: one cluster from the working tree, the same once it is committed", () => {
    expect(phaseData(records[4]!, 'run-tests')!.counts.failed).toBe(0);
    const [dirty] = phaseData(records[5]!, 'run-tests')!.regressions!;
    expect(dirty).toMatchObject({ from: commits[4], to: null, files: ['src/lib.js'], hunks: 1 });
    const [committed] = phaseData(records[6]!, 'run-tests')!.regressions!;
    expect(committed).toMatchObject({ from: commits[4], to: commits[5], files: ['src/lib.js'], hunks: 1 });
    const six = phaseData(records[5]!, 'root-cause')!.clusters;
    const seven = phaseData(records[6]!, 'root-cause')!.clusters;
    expect(six).toHaveLength(1);
    expect(six[0]!.tests).toHaveLength(3);
    expect(seven.map((c) => c.id)).toEqual([six[0]!.id]);
    expect(issuesAfter[6]).toEqual(issuesAfter[5]);
  });
});
