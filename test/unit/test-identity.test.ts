/** Test ids: repository-relative, format-independent; old absolute ids normalized when read. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stableHash } from '../../src/core/ids.js';
import type { RunRecord } from '../../src/core/record.js';
import { testKey } from '../../src/decision/compare.js';
import { phaseData } from '../../src/phase-data/index.js';
import {
  canonicalName,
  relativizeCases,
  relativizeText,
  testId,
  testIdsOf,
} from '../../src/results/identity.js';
import { parseReportFile } from '../../src/results/index.js';
import { legacyTestHashes, testHash } from '../../src/services/issue-markers.js';
import { readHistory } from '../../src/worklog/history.js';
import { localRecord, portableRecord, stateRootOf } from '../../src/worklog/portable.js';
import { phaseEntry, runRecord } from '../builders/run.js';

const REPORTS = resolve(import.meta.dirname, '../fixtures/reports');
// The fixtures were generated in /tmp/tdl-fixture-gen/<runner> (see generate.sh).
const origin = (runner: string) => ({
  repoDir: `/tmp/tdl-fixture-gen/${runner}`,
  cwd: `/tmp/tdl-fixture-gen/${runner}`,
});

async function idsOf(file: string, runner: string, suiteId = 'unit'): Promise<string[]> {
  const report = await parseReportFile(join(REPORTS, file));
  return relativizeCases(report.cases, origin(runner))
    .map((c) => testId(suiteId, c.suite, c.name))
    .sort();
}

describe('test ids', () => {
  it('vitest through JSON (absolute paths) and through JUnit (relative paths) give the same ids', async () => {
    const json = await idsOf('vitest.json', 'vitest');
    const junit = await idsOf('vitest-junit.xml', 'vitest');
    expect(json.length).toBeGreaterThan(3);
    expect(junit).toEqual(json);
    expect(json.join('\n')).not.toContain('/tmp/');
  });

  it('the same report from two checkout folders gives the same ids', async () => {
    const report = await parseReportFile(join(REPORTS, 'jest.json'));
    const here = relativizeCases(report.cases, origin('jest')).map((c) => testId('u', c.suite, c.name));
    const moved = report.cases.map((c) => ({
      ...c,
      suite: c.suite.replace('/tmp/tdl-fixture-gen/', '/home/ci/work/'),
      name: c.name.replace('/tmp/tdl-fixture-gen/', '/home/ci/work/'),
      ...(c.file ? { file: c.file.replace('/tmp/tdl-fixture-gen/', '/home/ci/work/') } : {}),
    }));
    const there = relativizeCases(moved, { repoDir: '/home/ci/work/jest', cwd: '/home/ci/work/jest' }).map(
      (c) => testId('u', c.suite, c.name),
    );
    expect(there).toEqual(here);
    expect(here.some((id) => id.includes('basic.test.js'))).toBe(true);
  });

  it('jest-junit with the file attribute matches jest JSON (title separators collapsed)', () => {
    const fromJson = relativizeCases(
      [
        {
          suite: '/r/test/a.test.js',
          file: '/r/test/a.test.js',
          name: 'math > adds',
          status: 'passed',
          durationMs: 1,
        },
      ],
      { repoDir: '/r', cwd: '/r' },
    )[0]!;
    const fromJunit = relativizeCases(
      [{ suite: 'math adds', file: 'test/a.test.js', name: 'math adds', status: 'passed', durationMs: 1 }],
      { repoDir: '/r', cwd: '/r' },
    )[0]!;
    expect(testKey('u', fromJunit.suite, fromJunit.name)).toBe(testKey('u', fromJson.suite, fromJson.name));
    expect(testHash('u', fromJunit.suite, fromJunit.name)).toBe(testHash('u', fromJson.suite, fromJson.name));
  });

  it('a relative path in a report is read from the runner folder (a package of a monorepo)', () => {
    const [c] = relativizeCases([{ suite: 'x.test.ts', name: 't', status: 'passed', durationMs: 1 }], {
      repoDir: '/r',
      cwd: '/r/packages/a',
    });
    expect(c!.suite).toBe('packages/a/x.test.ts');
  });

  it('stacks and messages lose the repository path, nothing else', () => {
    const text =
      'at f (/home/me/app/src/x.ts:3:4)\nat file:///home/me/app/lib/y.js:1:2\nat /home/me/app2/z.js:1:1';
    expect(relativizeText(text, '/home/me/app')).toBe(
      'at f (src/x.ts:3:4)\nat lib/y.js:1:2\nat /home/me/app2/z.js:1:1',
    );
  });

  it('issues filed with the old hash (absolute group, name as reported) are still recognized', () => {
    const old = stableHash(['tdl-test', 'u', '/home/me/app/test/a.test.js', 'math > adds'], 12);
    expect(testHash('u', 'test/a.test.js', 'math > adds')).not.toBe(old);
    expect(legacyTestHashes('u', 'test/a.test.js', 'math > adds', '/home/me/app')).toContain(old);
  });
});

describe('records across folders', () => {
  // Counts are not what this is about (a stored record must still have them to be read).
  const NO_COUNTS = { total: 1, passed: 0, failed: 1, errored: 0, skipped: 0, flaky: 0, durationMs: 1 };
  const record = (repoDir: string): RunRecord =>
    runRecord({
      schemaVersion: 1,
      runId: 'tdl-20260101-000000-aaaaaa',
      tool: { name: 'tdl', version: '0.1.0' },
      playbook: { name: 'p', file: `${repoDir}/tdl.yaml` },
      repo: { dir: repoDir, commit: null, branch: null, dirty: null },
      runDir: `${repoDir}/.tdl/runs/tdl-20260101-000000-aaaaaa`,
      state: 'completed',
      startedAt: '2026-01-01T00:00:00.000Z',
      phases: [
        phaseEntry('run-tests', {
          verdict: undefined,
          // As an earlier version wrote it: absolute paths, and only the keys read here.
          data: {
            tiers: [],
            counts: NO_COUNTS,
            passRate: null,
            noGo: null,
            suites: [
              {
                id: 'unit',
                tier: 1,
                categories: [],
                command: ['node', '--test'],
                state: 'completed',
                verdict: 'fail',
                attempts: [],
                durationMs: 1,
                counts: NO_COUNTS,
                report: null,
                outputTail: '',
                outputBytes: 0,
                findings: [],
                cases: [
                  {
                    suite: `${repoDir}/test/a.test.js`,
                    file: `${repoDir}/test/a.test.js`,
                    name: 'adds',
                    status: 'failed',
                    durationMs: 1,
                    stack: `Error: x\n    at ${repoDir}/src/a.js:1:1`,
                  },
                ],
                logFile: `${repoDir}/.tdl/runs/tdl-20260101-000000-aaaaaa/unit.log`,
              },
            ],
          },
        }),
      ],
      worklog: { markdown: `${repoDir}/worklogs/W.md`, json: `${repoDir}/worklogs/W.json` },
    });

  it('a record written by an earlier version (absolute ids) is normalized when read from another folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdl-ids-'));
    try {
      const file = join(dir, 'E2E-DEPLOY-REMEDIATE-WORKLOG-all-2026-01-01-000000.json');
      writeFileSync(file, JSON.stringify(record('/home/old/checkout')));
      const [h] = readHistory(dir, 'p');
      const c = phaseData(h!.record, 'run-tests')!.suites[0]!.cases[0]!;
      expect([c.suite, c.file]).toEqual(['test/a.test.js', 'test/a.test.js']);
      // Links to that run point at the file as it is now, not where it was written.
      expect(h!.record.worklog).toEqual({ json: file, markdown: file.replace(/json$/, 'md') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the JSON twin written holds no absolute path of the repository', () => {
    const text = JSON.stringify(portableRecord(record('/home/me/app')));
    expect(text).not.toContain('/home/me/app');
    const p = portableRecord(record('/home/me/app'));
    expect(p.repo.dir).toBe('.');
    expect(p.runDir).toBe('.tdl/runs/tdl-20260101-000000-aaaaaa');
    expect(p.worklog?.markdown).toBe('worklogs/W.md');
  });

  it('record.json is stored relative to the git root and read back where the checkout is now', () => {
    // The repository is a package inside the git root (a monorepo): its path is kept relative.
    const r = record('/home/me/mono/packages/app');
    r.runDir = '/home/me/mono/.tdl/runs/tdl-20260101-000000-aaaaaa';
    r.worklog = { markdown: '/home/me/mono/worklogs/W.md', json: '/home/me/mono/worklogs/W.json' };
    const written = phaseData(r, 'run-tests')!.suites[0]!;
    written.logFile = `${r.runDir}/unit.log`;
    // As phase 2 writes them today: test files already repository-relative.
    Object.assign(written.cases[0]!, { suite: 'test/a.test.js', file: 'test/a.test.js' });
    const stored = portableRecord(r, [], stateRootOf(r.runDir));
    const text = JSON.stringify(stored);
    expect(text).not.toContain('/home/me');
    expect([stored.repo.dir, stored.runDir, stored.playbook.file]).toEqual([
      'packages/app',
      '.tdl/runs/tdl-20260101-000000-aaaaaa',
      'packages/app/tdl.yaml',
    ]);
    // The stack keeps a repository-relative frame.
    expect(text).toContain('at src/a.js:1:1');
    const moved = localRecord(
      JSON.parse(text) as RunRecord,
      '/ci/work/mono/.tdl/runs/tdl-20260101-000000-aaaaaa',
    );
    expect(moved.repo.dir).toBe('/ci/work/mono/packages/app');
    expect(moved.playbook.file).toBe('/ci/work/mono/packages/app/tdl.yaml');
    expect(moved.worklog).toEqual({
      markdown: '/ci/work/mono/worklogs/W.md',
      json: '/ci/work/mono/worklogs/W.json',
    });
    const suite = phaseData(moved, 'run-tests')!.suites[0]!;
    expect(suite.logFile).toBe('/ci/work/mono/.tdl/runs/tdl-20260101-000000-aaaaaa/unit.log');
    // Test ids stay repository-relative: only the paths tdl opens again are resolved.
    expect(suite.cases[0]!.file).toBe('test/a.test.js');
    // A record written by an earlier version (absolute paths) is read as it is.
    const old = record('/home/old/app');
    expect(localRecord(structuredClone(old), '/x/.tdl/runs/r')).toEqual(old);
  });
});

describe('canonicalName', () => {
  // The three rules, applied in full (the function skips them when a name has nothing to change).
  const slow = (name: string) =>
    name
      .replace(/\s+[>›]\s+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  it('gives the same name with and without its fast path, for names that need each rule and none', () => {
    const names = [
      'creates order 12 with line items',
      'a > b > c',
      'a › b',
      '  leading',
      'trailing ',
      'two  spaces',
      'tab\there',
      'line\nbreak',
      'no\u00a0break space',
      'a>b stays',
      '›',
      '',
      ' ',
      'x',
    ];
    for (const n of names) expect(canonicalName(n), JSON.stringify(n)).toBe(slow(n));
    expect(canonicalName('a > b')).toBe('a b');
    expect(canonicalName('no\u00a0break')).toBe('no break');
  });
});

describe('testIdsOf', () => {
  it('gives the ids testId gives, with each group made canonical once', () => {
    const idOf = testIdsOf();
    const cases: [string, string, string][] = [
      ['unit', './test/a.test.ts', 'adds > two'],
      ['unit', './test/a.test.ts', 'adds  three'],
      ['unit', 'test\\b.test.ts', 'x'],
      ['e2e', 'Checkout flow', ' trims '],
      ['e2e', './test/a.test.ts', 'adds > two'],
    ];
    for (const [s, g, n] of cases) expect(idOf(s, g, n)).toBe(testId(s, g, n));
    expect(idOf('unit', './test/a.test.ts', 'adds > two')).toBe('unit\u0000test/a.test.ts\u0000adds two');
  });
});
