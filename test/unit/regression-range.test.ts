/**
 * Regression ranges from the history (src/history/regression.ts) and the clusters they join
 * (src/clustering/cluster.ts, `singleChange`); git's side is test/integration/regression-range.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { countHunks } from '../../src/adapters/git/history.js';
import { clusterFailures, singleChange } from '../../src/clustering/cluster.js';
import { buildHistory, type RunEntry } from '../../src/history/model.js';
import { isCodePath, regressionRanges } from '../../src/history/regression.js';
import type { Regression } from '../../src/phase-data/run-tests.js';
import { testId } from '../../src/results/identity.js';
import type { TestCase } from '../../src/results/model.js';
import { suiteResult, testCase } from '../builders/results.js';

const run = (id: string, commit: string | null): RunEntry => ({
  v: 1,
  run: id,
  at: '2026-01-01T00:00:00Z',
  playbook: 'p',
  commit,
  branch: null,
  revisions: {},
  dryRun: false,
  tests: true,
  row: {} as never,
});

/** History of tests a..e over three earlier runs (newest first), each run's codes a string per test. */
function history(codes: Record<string, string>, commits: (string | null)[] = ['c3', 'c2', 'c1']) {
  const ids = Object.keys(codes).map((n) => testId('s', 's', n));
  const runs = commits.map((c, k) => run(`r${k}`, c));
  const lines = runs.map((r, k) => ({
    v: 1,
    run: r.run,
    s: Object.values(codes)
      .map((c) => c[k] ?? '.')
      .join(''),
    d: '',
    executed: {},
  }));
  return buildHistory(ids, runs, lines);
}

const id = (name: string) => testId('s', 's', name);

describe('regressionRanges', () => {
  const failing = (...names: string[]) => [
    suiteResult('s', [...names.map((n) => testCase(n, 'failed')), testCase('ok')]),
  ];

  it('a test that passed in the last run and fails now: from its commit to this working tree', () => {
    const h = history({ a: 'ppp', b: 'ppp' });
    expect(regressionRanges(failing('a', 'b'), h, 'c4', new Set())).toEqual([
      { from: 'c3', to: null, tests: [id('a'), id('b')] },
    ]);
  });

  it('a test failing for a few runs: from where it last passed to where its streak started', () => {
    // a: failed in the last two runs (c3, c2), passed at c1. The range stays c1 → c2 whatever HEAD is.
    const h = history({ a: 'ffp' });
    expect(regressionRanges(failing('a'), h, 'c9', new Set())).toEqual([
      { from: 'c1', to: 'c2', tests: [id('a')] },
    ]);
    // Not run in a run between ('.') or skipped: the streak goes on through it.
    expect(regressionRanges(failing('a'), history({ a: '.sp' }), 'c9', new Set())).toEqual([
      { from: 'c1', to: null, tests: [id('a')] },
    ]);
  });

  it('a streak that started at the commit checked out now reads the working tree, or that commit when clean', () => {
    const h = history({ a: 'fp' }, ['c2', 'c1']);
    expect(regressionRanges(failing('a'), h, 'c2', new Set())).toEqual([
      { from: 'c1', to: null, tests: [id('a')] },
    ]);
    expect(regressionRanges(failing('a'), h, 'c2', new Set(), false)).toEqual([
      { from: 'c1', to: 'c2', tests: [id('a')] },
    ]);
    // Passed at the commit checked out now, with a clean tree: nothing changed to blame.
    expect(regressionRanges(failing('a'), history({ a: 'p' }, ['c2']), 'c2', new Set(), false)).toEqual([]);
  });

  it('leaves out tests with no pass in the history, unhealthy tests, and nothing committed between', () => {
    expect(regressionRanges(failing('a'), history({ a: 'fff' }), 'c4', new Set())).toEqual([]);
    expect(regressionRanges(failing('a'), history({ a: 'ppp' }), 'c4', new Set([id('a')]))).toEqual([]);
    // Failing since c2, which is also where it last passed, and HEAD is still c2, clean: nothing changed.
    expect(
      regressionRanges(failing('a'), history({ a: 'fp' }, ['c2', 'c2']), 'c2', new Set(), false),
    ).toEqual([]);
    // A new test (not in the history).
    expect(regressionRanges(failing('new'), history({ a: 'ppp' }), 'c4', new Set())).toEqual([]);
  });

  it("a streak that started in an earlier run's working tree reads from the last pass up to now", () => {
    // Failed first at c2 (an uncommitted edit), where it also last passed; the edit is committed as c3.
    const h = history({ a: 'fp' }, ['c2', 'c2']);
    expect(regressionRanges(failing('a'), h, 'c3', new Set(), false)).toEqual([
      { from: 'c2', to: 'c3', tests: [id('a')] },
    ]);
    expect(regressionRanges(failing('a'), h, 'c3', new Set(), true)).toEqual([
      { from: 'c2', to: null, tests: [id('a')] },
    ]);
  });

  it('groups tests by range, the largest first', () => {
    const h = history({ a: 'ppp', b: 'fpp', c: 'fpp' });
    const ranges = regressionRanges(failing('a', 'b', 'c'), h, 'c4', new Set());
    expect(ranges.map((r) => [r.from, r.to, r.tests.length])).toEqual([
      ['c2', 'c3', 2],
      ['c3', null, 1],
    ]);
  });
});

describe('isCodePath', () => {
  it('counts code, not tests, prose or tdl folders', () => {
    expect(isCodePath('src/parse.ts', [])).toBe(true);
    expect(isCodePath('regexp.go', [])).toBe(true);
    expect(isCodePath('package.json', [])).toBe(true);
    for (const p of [
      'test/parse.test.ts',
      'src/a.spec.js',
      'mux_test.go',
      'tests/test_x.py',
      'README.md',
      'CHANGELOG',
      'docs/x.rst',
    ])
      expect(isCodePath(p, []), p).toBe(false);
    expect(isCodePath('worklogs/E2E-x.json', ['worklogs'])).toBe(false);
    expect(isCodePath('worklogsx/a.js', ['worklogs'])).toBe(true);
  });
});

describe('countHunks', () => {
  it('counts the @@ lines of a diff', () => {
    const diff =
      'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n@@ -20 +20 @@ f()\n-x\n+y\n';
    expect(countHunks(diff)).toBe(2);
    expect(countHunks('')).toBe(0);
  });
});

describe('clusterFailures with regression ranges', () => {
  const REPO = '/repo';
  const typeError = (name: string, fn: string, file: string, prop: string): TestCase =>
    testCase(name, 'failed', {
      message: `Cannot read properties of undefined (reading '${prop}')`,
      stack: `TypeError: Cannot read properties of undefined (reading '${prop}')\n    at ${fn} (${REPO}/${file}:3:9)\n    at ${REPO}/test/x.test.js:9:5`,
    });
  const cases = [
    typeError('a', 'decode', 'src/decode.js', 'replace'),
    typeError('b', 'filename', 'src/file.js', 'match'),
    testCase('c', 'failed', {
      message: "expected '' to be '/a'",
      stack: "AssertionError: expected '' to be '/a'\n    at " + REPO + '/test/y.test.js:12:5',
    }),
  ];
  const range = (over: Partial<Regression> = {}): Regression => ({
    from: 'c1',
    to: null,
    files: ['src/lib.js'],
    moreFiles: false,
    hunks: 1,
    tests: ['a', 'b', 'c'].map(id),
    ...over,
  });
  const suites = [suiteResult('s', cases)];

  it('three ways of failing are three clusters without a range', () => {
    expect(clusterFailures(suites, REPO)).toHaveLength(3);
  });

  it('are one cluster when their tests broke across one hunk of one file, which it names', () => {
    const alone = clusterFailures(suites, REPO);
    const [one, ...rest] = clusterFailures(suites, REPO, [range()]);
    expect(rest).toEqual([]);
    expect(one!.tests.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(one!.change).toEqual({ file: 'src/lib.js', from: 'c1', to: null });
    // Named after its largest part (a tie: the smaller signature), as a joined assertion site is.
    expect(alone.map((c) => c.id)).toContain(one!.id);
  });

  it('are not joined by a range of two hunks, two files, more files, or no file', () => {
    for (const over of [
      { hunks: 2 },
      { files: ['src/a.js', 'src/lib.js'], hunks: null },
      { moreFiles: true },
      { files: [], hunks: null },
    ])
      expect(clusterFailures(suites, REPO, [range(over)]), JSON.stringify(over)).toHaveLength(3);
    expect(singleChange(range({ hunks: 2 }))).toBeNull();
  });

  it('joins only the tests of the range', () => {
    const clusters = clusterFailures(suites, REPO, [range({ tests: [id('a'), id('b')] })]);
    expect(clusters.map((c) => c.tests.map((t) => t.name).sort())).toEqual([['a', 'b'], ['c']]);
  });
});
