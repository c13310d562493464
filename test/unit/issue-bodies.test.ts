/** Issue texts show their own failure, and titles are readable and unique (issue 13, point 4). */
import { describe, expect, it } from 'vitest';
import { clusterFailures } from '../../src/clustering/cluster.js';
import { SIGNATURE_VERSION } from '../../src/clustering/signature.js';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { RootCauseData } from '../../src/phase-data/root-cause.js';
import { GITHUB_BODY_LIMIT, issueTitle, withFingerprint } from '../../src/phases/6-publish/bodies.js';
import { draftsFor, recordWith } from '../integration/github-fixtures.js';

const title = (reason: string, test: string, template = 'E2E-DEPLOY-{reason}-{test}') =>
  issueTitle(template, { reason, test, suite: 's', tier: 1, playbook: 'p', cluster: 'c' });

describe('issue titles', () => {
  it('never repeat a word where the reason and the test meet', () => {
    const t = title('AssertionError: missing field "tool_name" in event', 'tool_executing carries tool_name');
    expect(t).toBe('E2E-DEPLOY-AssertionError-Missing-Field-Tool-Name-In-Event-Executing-Carries');
    const words = t.toLowerCase().split('-');
    expect(new Set(words).size).toBe(words.length);
  });

  it('are at most 80 characters, cut at a word boundary', () => {
    const t = title(
      'Supercalifragilistic expialidocious antidisestablishmentarianism floccinaucinihilipilification',
      'pneumonoultramicroscopicsilicovolcanoconiosis hippopotomonstrosesquippedaliophobia',
    );
    expect(t.length).toBeLessThanOrEqual(80);
    expect(t).toMatch(/^E2E-DEPLOY-[A-Za-z-]+[A-Za-z]$/);
    expect(withFingerprint(t, 'abcdef0123456789')).toMatch(/-abcdef$/);
    expect(withFingerprint(t, 'abcdef0123456789').length).toBeLessThanOrEqual(80);
  });

  it('name the exception type once (phase 3 strips a repeated type)', () => {
    const [c] = clusterFailures(
      [
        {
          id: 's',
          tier: 1,
          cases: [
            {
              suite: 'g',
              name: 't',
              status: 'failed',
              durationMs: 1,
              message: 'AssertionError: AssertionError: boom',
              stack: 'AssertionError: AssertionError: boom\n    at x (/repo/src/a.js:1:1)',
            },
          ],
        },
      ],
      '/repo',
    );
    expect(c!.title).toBe('AssertionError: boom');
    expect(title(c!.title, 't')).toBe('E2E-DEPLOY-AssertionError-Boom-T');
  });

  it('get a fingerprint suffix only when two clusters of a run would share one', () => {
    const drafts = draftsFor(
      recordWith('tdl-20260101-000000-aaaaaa', [
        { name: 'same test', message: 'boom' },
        { suite: 'api', name: 'same test', message: 'boom' },
        { name: 'other', message: 'expected 200 got 503' },
      ]),
      { url: 'http://127.0.0.1:1' },
    );
    const titles = drafts.children.map((c) => c.title);
    expect(new Set(titles).size).toBe(titles.length);
    const suffixed = drafts.children.filter((c) => c.title.endsWith(`-${c.fingerprint.slice(0, 6)}`));
    expect(suffixed).toHaveLength(2);
    expect(drafts.children.find((c) => c.title.includes('Expected'))!.title).not.toMatch(/-[0-9a-f]{6}$/);
  });
});

const JEST_STACK = `Error: expect(received).toEqual(expected) // deep equality

- Expected  - 1
+ Received  + 1

  Object {
-   "type": "tool_completed",
+   "payload": Object {},
  }
    at Object.toEqual (/repo/test/events.test.js:6:32)
    at assertShape (/repo/test/helpers.js:12:3)
    at Promise.then.completed (/repo/node_modules/jest-circus/build/utils.js:298:28)
    at new Promise (<anonymous>)
    at callAsyncCircusFn (/repo/node_modules/jest-circus/build/utils.js:231:10)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;

function withPhase3(record: RunRecord, evidence: boolean): RunRecord {
  const tests = phaseData(record, 'run-tests')!;
  for (const s of tests.suites) for (const c of s.cases) if (c.status === 'failed') c.stack = JEST_STACK;
  const clusters = clusterFailures(tests.suites, record.repo.dir);
  if (evidence)
    for (const c of clusters)
      c.evidence = [
        { kind: 'frame', value: 'test/helpers.js:12', source: 'top stack frame inside the repository' },
        {
          kind: 'last-change',
          value: 'abc123def456 2026-01-01 "move fields under payload" by Ann',
          source: 'git blame -L 12,12 -- test/helpers.js',
        },
        { kind: 'first-failed', value: 'run tdl-20260101-000000-aaaaaa', source: 'worklog history' },
        { kind: 'deployed-revision', value: 'api: api-00042-abc (2 h old then)', source: 'phase 0' },
      ];
  const data: RootCauseData = { signatureVersion: SIGNATURE_VERSION, clusters };
  return {
    ...record,
    repo: { ...record.repo, dir: '/repo' },
    phases: [
      record.phases[0]!,
      { id: 'root-cause', index: 3, title: 'Root cause analysis', state: 'completed', findings: [], data },
    ],
  };
}

describe('issue bodies', () => {
  const noisyTail = 'unrelated console noise from another test\n'.repeat(50);
  const record = recordWith(
    'tdl-20260101-000000-aaaaaa',
    [
      {
        name: 'tool_completed has its fields',
        message: 'expect(received).toEqual(expected) // deep equality',
      },
      { name: 'passes' },
    ],
    {},
    noisyTail,
  );

  it('show their own failure: message, diff, project frames, evidence chain and failing tests', () => {
    const [child] = draftsFor(withPhase3(record, true), { url: 'http://127.0.0.1:1' }).children;
    const body = child!.body;
    expect(body).toContain('-   "type": "tool_completed",');
    expect(body).toContain('+   "payload": Object {},');
    expect(body).toContain('- `test/helpers.js:12 assertShape`');
    expect(body).toContain(
      '| Last commit touching it | `abc123def456 2026-01-01 "move fields under payload" by Ann` |',
    );
    expect(body).toContain('| Deployed revision then |');
    expect(body).toContain('| First run it failed in |');
    expect(body).toContain('`tool_completed has its fields` (failed)');
    // Not the suite's log tail, and no runner internals.
    expect(body).not.toContain('unrelated console noise');
    expect(body).not.toContain('jest-circus');
    expect(body).not.toContain('node:internal');
    expect(body).toMatch(/\d+ frame\(s\) of dependencies and the test runner left out/);
  });

  it('say why there is no evidence chain when phase 3 did not run', () => {
    const [child] = draftsFor(
      { ...record, repo: { ...record.repo, dir: '/repo' } },
      { url: 'http://127.0.0.1:1' },
    ).children;
    expect(child!.body).toContain(
      'not established: phase 3 (root cause) did not run in run tdl-20260101-000000-aaaaaa',
    );
  });

  it('stay bounded with a huge failure and thousands of tests', () => {
    const many = recordWith(
      'tdl-20260101-000000-aaaaaa',
      Array.from({ length: 3000 }, (_, i) => ({ name: `t${i} ${'n'.repeat(60)}`, message: 'boom' })),
    );
    const huge = withPhase3(many, true);
    for (const c of phaseData(huge, 'root-cause')!.clusters) c.stack = `${'x'.repeat(200)}\n`.repeat(5000);
    const [child] = draftsFor(huge, { url: 'http://127.0.0.1:1' }).children;
    expect(child!.body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(child!.body).toMatch(/…and \d+ more/);
  });
});
