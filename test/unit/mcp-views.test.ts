import { describe, expect, it } from 'vitest';
import { SIGNATURE_VERSION } from '../../src/clustering/signature.js';
import type { RunRecord } from '../../src/core/record.js';
import { explain, locateTest, runSummary } from '../../src/mcp/views.js';
import { runTestsData, suiteResult } from '../builders/results.js';
import { phaseEntry, runRecord } from '../builders/run.js';

const REPO = '/repo';
const STACK = `AssertionError: boom
    at check (${REPO}/test/a.test.js:7:3)
    at helper (${REPO}/src/lib.js:12:9)
    at node:internal/process/task_queues:95:5`;

/** A run whose suite `api` has the given case statuses, clustered when they failed. */
function run(runId: string, startedAt: string, statuses: Record<string, 'passed' | 'failed'>): RunRecord {
  const cases = Object.entries(statuses).map(([name, status]) => ({
    suite: 'group',
    name,
    status,
    durationMs: 1,
    ...(status === 'failed' ? { message: 'boom', stack: STACK } : {}),
  }));
  const failing = cases.filter((c) => c.status === 'failed');
  return runRecord({
    runId,
    startedAt,
    state: 'completed',
    exitCode: failing.length ? 1 : 0,
    repo: { dir: REPO, commit: null, branch: null, dirty: null },
    playbook: { name: 'p', file: '/repo/tdl.yaml' },
    phases: [
      phaseEntry('run-tests', {
        verdict: undefined,
        data: runTestsData([suiteResult('api', cases)]),
      }),
      phaseEntry('root-cause', {
        verdict: undefined,
        data: {
          // Phase 3 of this version: its clusters are read as they are (see clustersFor).
          signatureVersion: SIGNATURE_VERSION,
          clusters: failing.length
            ? [
                {
                  id: 'c1',
                  signature: 's',
                  title: 'AssertionError: boom',
                  message: 'boom',
                  tier: 1,
                  location: 'test/a.test.js:7',
                  stack: STACK,
                  tests: failing.map((c) => ({
                    suiteId: 'api',
                    group: 'group',
                    name: c.name,
                    status: 'failed',
                  })),
                  evidence: [
                    runId === 'tdl-20260102-000000-000002'
                      ? { kind: 'github-issue', value: '#7 boom', source: 'GitHub', href: 'https://x/7' }
                      : { kind: 'github-issue', value: null, source: 'GitHub', unknownBecause: 'none yet' },
                  ],
                },
              ]
            : [],
        },
      }),
    ],
  });
}

const older = run('tdl-20260101-000000-000001', '2026-01-01T00:00:00Z', { a: 'failed', b: 'passed' });
const newer = run('tdl-20260102-000000-000002', '2026-01-02T00:00:00Z', { a: 'failed', b: 'failed' });
const fixed = run('tdl-20260103-000000-000003', '2026-01-03T00:00:00Z', { a: 'passed', b: 'passed' });

describe('locateTest', () => {
  it.each([
    ['api › group › a', 'a'],
    ['api › a', 'a'],
    ['b', 'b'],
  ])('finds %j', (spec, name) => expect(locateTest(newer, spec).testCase.name).toBe(name));

  it.each([
    ['api › group › zzz', /no test "api › group › zzz"/],
    ['other › a', /no test/],
  ])('refuses %j naming the run', (spec, message) => expect(() => locateTest(newer, spec)).toThrow(message));
});

describe('explain', () => {
  const runs = [fixed, newer, older];

  it('a cluster: its failure, project frames top first, history newest first, and the newest known issue', () => {
    const e = explain(older, runs, { cluster: 'c1' });
    expect(e.runId).toBe(older.runId);
    expect(e.exitMeaning).toMatch(/^defer/);
    expect(e.failure).toMatchObject({ status: 'failed', message: 'boom' });
    expect(e.frames).toEqual([
      { file: 'test/a.test.js', line: 7, fn: 'check' },
      { file: 'src/lib.js', line: 12, fn: 'helper' },
    ]);
    expect(e.history.map((h) => h.outcome)).toEqual(['passed', 'clustered', 'clustered']);
    expect(e.issue).toEqual({ value: '#7 boom', href: 'https://x/7', source: `run ${newer.runId}: GitHub` });
  });

  it('a test: its outcome run by run, and its cluster', () => {
    const e = explain(newer, runs, { test: 'api › group › b' });
    expect(e.subject).toEqual({ kind: 'test', id: 'api › group › b' });
    expect(e.cluster?.id).toBe('c1');
    expect(e.history.map((h) => [h.runId, h.outcome])).toEqual([
      [fixed.runId, 'passed'],
      [newer.runId, 'failed'],
      [older.runId, 'passed'],
    ]);
  });

  it('a passing test has no failure and no cluster', () => {
    const e = explain(fixed, runs, { test: 'a' });
    expect(e.failure).toBeNull();
    expect(e.cluster).toBeNull();
    expect(e.issue).toBeNull();
  });

  it('an unknown cluster is a usage error listing the clusters there are', () => {
    expect(() => explain(newer, runs, { cluster: 'nope' })).toThrow(
      'cluster: no cluster "nope" in run tdl-20260102-000000-000002 (it has c1)',
    );
  });
});

describe('runSummary', () => {
  it('says the exit code, what it means, and where the whole record is', () => {
    const s = runSummary(newer);
    expect(s).toMatchObject({
      runId: newer.runId,
      exitCode: 1,
      clusters: 1,
      record: `tdl://runs/${newer.runId}/record`,
    });
    expect(s.phases.map((p) => p.id)).toEqual(['run-tests', 'root-cause']);
  });
});
