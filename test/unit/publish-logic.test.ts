/** Phase 6's pure parts: decision rule, route, titles, bodies, markers and the plan. */
import { describe, expect, it } from 'vitest';
import type { GhIssue } from '../../src/adapters/github/port.js';
import type { RunRecord } from '../../src/core/record.js';
import {
  childBody,
  code,
  GITHUB_BODY_LIMIT,
  issueTitle,
  masterBody,
} from '../../src/phases/6-publish/bodies.js';
import { buildDrafts, decide, htmlBaseFor, routeFor } from '../../src/phases/6-publish/drafts.js';
import { planActions } from '../../src/phases/6-publish/plan.js';
import { githubSchema } from '../../src/playbook/sections/github.js';
import { issueFingerprint, issueMarkers, readMeta } from '../../src/services/issue-markers.js';
import { Redactor } from '../../src/telemetry/redact.js';
import { recordWith } from '../integration/github-fixtures.js';

const gh = githubSchema.parse({ repo: 'acme/shop' });
const FAIL = [{ name: 'a', message: 'boom' }, { name: 'b' }];
const drafts = (record: RunRecord, branch = 'main', ahead = 0) =>
  buildDrafts({
    record,
    github: gh,
    git: { branch, ahead, baseRef: 'origin/main' },
    apiUrl: 'https://api.github.com',
    redactor: new Redactor(),
  });

describe('decision and route', () => {
  it.each([
    [
      { decision: { decision: 'proceed' as const, reasons: ['all criteria pass'] } },
      'proceed',
      /^phase 5 decided proceed: all criteria pass/,
    ],
    [{ decision: { decision: 'defer' as const, reasons: [] } }, 'defer', /^phase 5 decided defer/],
    [{}, 'defer', /no decision from phase 5; verdicts not green \(run-tests: fail\) → defer/],
  ])('%j → %s', (extra, decision, rule) => {
    const r = decide(recordWith('tdl-20260101-000000-aaaaaa', FAIL, extra));
    expect(r.decision).toBe(decision);
    expect(r.rule).toMatch(rule);
  });

  it('all verdicts pass and no phase 5 → proceed by the exit-code rule', () => {
    expect(decide(recordWith('tdl-20260101-000000-aaaaaa', [{ name: 'a' }])).rule).toBe(
      'no decision from phase 5; every verdict reached is pass → proceed',
    );
  });

  it.each([
    ['defer', 'feature', 3, 'defer'],
    ['proceed', 'feature', 3, 'proceed-change'],
    ['proceed', 'feature', 0, 'proceed-no-change'],
    ['proceed', 'main', 5, 'proceed-no-change'],
    ['proceed', null, null, 'proceed-no-change'],
  ] as const)('%s on %s ahead %s → %s', (decision, branch, ahead, route) => {
    expect(routeFor(decision, { branch, ahead, baseRef: 'origin/main' }, 'main').route).toBe(route);
  });
});

describe('texts', () => {
  it.each([
    [
      'E2E-DEPLOY-{reason}-{test}',
      'missing field "tool_name" @bob #12',
      'sends x',
      'E2E-DEPLOY-Missing-Field-Tool-Name-Bob-12-Sends-X',
    ],
    ['{playbook}/{suite}/T{tier}: {reason}', 'timeout', 't', 'shop/api/T2: Timeout'],
    ['{unknown}-{reason}', '', 't', '{unknown}-Unknown'],
  ])('issueTitle(%s)', (template, reason, test, expected) => {
    expect(
      issueTitle(template, { reason, test, suite: 'api', tier: 2, playbook: 'shop', cluster: 'c1' }),
    ).toBe(expected);
  });

  it('code spans cannot be closed by backticks inside', () => {
    expect(code('a `b` c')).toBe('``a `b` c``');
    expect(code('`x`')).toBe('`` `x` ``');
  });

  it('a child body fits the limit by trimming the excerpt, keeping markers and the worklog link', () => {
    const body = childBody({
      markers: issueMarkers({
        fingerprint: 'f'.repeat(16),
        playbook: 'abc',
        kind: 'child',
        tests: ['ab'],
        run: 'r',
      }),
      runId: 'r',
      playbook: 'p',
      tier: 1,
      message: 'm',
      location: null,
      tests: Array.from({ length: 5000 }, (_, i) => ({
        suiteId: 's',
        group: 'g',
        name: `test ${i} ${'n'.repeat(40)}`,
        status: 'failed',
      })),
      gate: 'NO-GO',
      failure: 'o'.repeat(500_000),
      frames: [],
      evidence: null,
      worklog: '[worklog](https://example.com/w.md)',
    });
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(body).toContain('[worklog](https://example.com/w.md)');
    expect(readMeta(body)).toEqual({
      fingerprint: 'f'.repeat(16),
      playbook: 'abc',
      kind: 'child',
      tests: ['ab'],
      run: 'r',
      sig: 1, // markers written without a signature version are version 1
    });
    expect(body).toMatch(/…and \d+ more/);
  });

  it('the master lists children by tier, ticks closed ones and chains the open ones', () => {
    const body = masterBody({
      markers: '',
      playbook: 'p',
      runId: 'r',
      rule: 'x',
      summary: 's',
      worklog: 'w',
      items: [
        { number: 7, title: 't7', tier: 2, tests: 1, closed: false },
        { number: 5, title: 't5', tier: 1, tests: 3, closed: false },
        { number: 6, title: 't6', tier: 1, tests: 1, closed: true },
      ],
    });
    expect(body).toContain('- [ ] #5 `t5` — tier 1, 3 test(s)\n- [x] #6 `t6` — tier 1, 1 test(s)\n- [ ] #7');
    expect(body).toContain('#5 → #7');
  });

  it('fingerprints depend on the playbook and the signature only', () => {
    expect(issueFingerprint('p', 's')).toBe(issueFingerprint('p', 's'));
    expect(issueFingerprint('p', 's')).not.toBe(issueFingerprint('q', 's'));
    expect(issueFingerprint('p', 's')).not.toBe(issueFingerprint('p', 't'));
  });

  it('htmlBaseFor maps API addresses to web addresses', () => {
    expect(htmlBaseFor('https://api.github.com')).toBe('https://github.com');
    expect(htmlBaseFor('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
  });
});

describe('plan', () => {
  const issue = (number: number, body: string, state: 'open' | 'closed' = 'open'): GhIssue => ({
    number,
    title: `t${number}`,
    body,
    state,
    labels: ['test-deploy-loop'],
    url: `u${number}`,
  });

  it('first run: labels, master, one issue per cluster, dedupe, master update', () => {
    const d = drafts(recordWith('tdl-20260101-000000-aaaaaa', FAIL));
    expect(planActions(d, { issues: [], pull: null }).map((a) => a.kind)).toEqual([
      'label',
      'create-master',
      'create-issue',
      'dedupe',
      'update-master',
    ]);
  });

  it('a later run: comments on the open issue, reopens a closed one, closes a resolved one', () => {
    const d = drafts(
      recordWith('tdl-20260102-000000-bbbbbb', [...FAIL, { name: 'c', message: 'other' }, { name: 'fixed' }]),
    );
    const [boom, other] = d.children;
    const fixedHash = d.passed.at(-1)!;
    const meta = (fp: string, tests: string[], kind: 'child' | 'master' = 'child') =>
      issueMarkers({
        fingerprint: fp,
        playbook: d.playbook.hash,
        kind,
        tests,
        run: 'tdl-20260101-000000-aaaaaa',
      });
    const snapshot = {
      issues: [
        issue(1, meta(d.master.fingerprint, [], 'master')),
        issue(2, meta(boom!.fingerprint, boom!.tests)),
        issue(3, meta(other!.fingerprint, other!.tests), 'closed'),
        issue(4, meta('0123456789abcdef', [fixedHash])),
        issue(5, meta('fedcba9876543210', ['not-run'])),
      ],
      pull: null,
    };
    expect(planActions(d, snapshot)).toEqual([
      { kind: 'comment-still-failing', fingerprint: boom!.fingerprint, number: 2 },
      { kind: 'reopen-issue', fingerprint: other!.fingerprint, number: 3 },
      { kind: 'close-resolved', number: 4, tests: 1 },
      { kind: 'update-master' },
    ]);
  });

  it('an open master is reconciled on every publish, even when nothing else is to be done', () => {
    const d = drafts(recordWith('tdl-20260103-000000-cccccc', [{ name: 'a' }]));
    const masterMeta = issueMarkers({
      fingerprint: d.master.fingerprint,
      playbook: d.playbook.hash,
      kind: 'master',
      tests: [],
      run: 'x',
    });
    expect(planActions(d, { issues: [issue(1, masterMeta)], pull: null })).toEqual([
      { kind: 'update-master' },
    ]);
    expect(planActions(d, { issues: [issue(1, masterMeta, 'closed')], pull: null })).toEqual([]);
  });

  it('proceed with a change: resolved issues go in the PR, the branch is pushed, the PR opened or updated', () => {
    const d = drafts(recordWith('tdl-20260102-000000-bbbbbb', [{ name: 'a' }]), 'feature', 2);
    const m = issueMarkers({
      fingerprint: '0123456789abcdef',
      playbook: d.playbook.hash,
      kind: 'child',
      tests: d.passed,
      run: 'x',
    });
    expect(planActions(d, { issues: [issue(9, m)], pull: null }).map((a) => a.kind)).toEqual([
      'closes-in-pr',
      'push',
      'open-pr',
    ]);
    const pull = {
      number: 3,
      title: '',
      body: '',
      state: 'open' as const,
      head: 'feature',
      base: 'main',
      url: '',
    };
    expect(planActions(d, { issues: [], pull }).map((a) => a.kind)).toEqual(['push', 'update-pr']);
  });
});
