import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { sectionRenderers } from '../../src/phases/index.js';
import type { TestCase } from '../../src/results/model.js';
import { figures } from '../../src/worklog/figures.js';
import { executiveSummary, renderWorklog } from '../../src/worklog/render.js';
import { attempt, runTestsData, suiteResult, tierResult } from '../builders/results.js';
import { phaseEntry, runRecord, skippedPhase } from '../builders/run.js';

const cases: TestCase[] = [
  { suite: 'websocket agent events', name: 'agent_started has its fields', status: 'passed', durationMs: 3 },
  {
    suite: 'websocket agent events',
    name: 'tool_executing carries tool_name',
    status: 'failed',
    durationMs: 4,
    message: 'missing field "tool_name" in tool_executing event',
    stack:
      'AssertionError: missing field "tool_name"\n    at assertShape (test/critical/events.test.js:16:12)\n```nested fence```',
  },
  {
    suite: 'session cache',
    name: 'first lookup answers within 150 ms',
    status: 'passed',
    durationMs: 2,
    flaky: true,
  },
];

function record(runId: string, startedAt: string): RunRecord {
  const gateReason = 'pass rate 66.7% (2/3) is below 80.0%';
  const skippedReason = 'NO-GO: the gate after tier 1 did not pass';
  const missionCritical = suiteResult('mission-critical', cases, {
    categories: ['websocket'],
    command: ['node', '--test'],
    reason: '1 failed, 0 errored of 3',
    attempts: [
      attempt(1, { startedAt, durationMs: 500, exitCode: 1 }),
      attempt(2, { startedAt, durationMs: 150, exitCode: 1 }),
    ],
    durationMs: 650,
    report: { path: '/repo/.tdl/runs/x/reports/mc.xml', format: 'junit' },
    logFile: '/repo/.tdl/runs/x/mission-critical.log',
    outputTail: 'not ok 2 - tool_executing carries tool_name\nAuthorization: Bearer abcdef123456',
    outputBytes: 2048,
  });
  const api = suiteResult('api', [], {
    tier: 2,
    categories: ['api'],
    command: ['node', '--test'],
    state: 'skipped',
    verdict: 'inconclusive',
    reason: skippedReason,
    durationMs: 0,
  });
  const data = runTestsData([missionCritical, api], {
    tiers: [
      tierResult(1, [missionCritical], {
        gate: { afterTier: 1, minPassRate: 0.8, passRate: 2 / 3, verdict: 'fail', reason: gateReason },
      }),
      tierResult(2, [api], { state: 'skipped', reason: skippedReason }),
    ],
    noGo: { afterTier: 1, reason: gateReason },
  });
  return runRecord({
    schemaVersion: 1,
    runId,
    tool: { name: 'tdl', version: '0.1.0' },
    playbook: { name: 'demo', file: '/repo/playbooks/demo.yaml' },
    repo: {
      dir: '/repo/examples/demo-service',
      commit: '0123456789abcdef0123',
      branch: 'main',
      dirty: false,
    },
    options: { ...runRecord().options, publish: 'auto', maxIterations: 3 },
    runDir: `/repo/.tdl/runs/${runId}`,
    state: 'completed',
    startedAt,
    endedAt: startedAt,
    durationMs: 1234,
    exitCode: 1,
    worklog: { markdown: `/repo/worklogs/W-${runId}.md`, json: `/repo/worklogs/W-${runId}.json` },
    phases: [
      skippedPhase('deploy-status', 'no Cloud Run services configured', { durationMs: 0 }),
      phaseEntry('select-tests', {
        verdict: undefined,
        durationMs: 2,
        data: {
          focus: 'all',
          order: 'failing-first',
          selected: [
            { id: 'mission-critical', tier: 1, reason: 'focus all; tier 1' },
            { id: 'api', tier: 2, reason: 'focus all; tier 2' },
          ],
          excluded: [],
          previous: null,
          openIssues: null,
          openIssuesNote: 'open issues not read: no github section in the playbook',
        },
      }),
      phaseEntry('run-tests', {
        verdict: 'fail',
        durationMs: 700,
        findings: [{ kind: 'zero-durations', severity: 'error', message: 'example finding', subject: 'api' }],
        data,
      }),
      skippedPhase('root-cause', 'not available in this version'),
      skippedPhase('compliance', 'no audit section in the playbook'),
      skippedPhase('stability', 'not available in this version'),
      skippedPhase('publish', 'not available in this version'),
    ],
  });
}

describe('worklog rendering', () => {
  const current = record('tdl-20261122-030000-aaaaaa', '2026-11-22T03:00:00.000Z');
  const earlier = record('tdl-20261121-030000-bbbbbb', '2026-11-21T03:00:00.000Z');
  const md = renderWorklog({
    record: current,
    history: [{ record: earlier, file: '/repo/worklogs/x.json' }],
    worklogDir: '/repo/worklogs',
    sections: sectionRenderers(),
  });

  it('matches the snapshot (ids and times are fixed in the fixture)', async () => {
    await expect(md).toMatchFileSnapshot('./__snapshots__/worklog.md');
  });

  it('puts the executive summary first and every phase in order 0..6', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings[0]).toBe('## Executive summary');
    expect(headings.slice(1, 8).map((h) => h.match(/Phase (\d)/)?.[1])).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
    expect(headings[8]).toBe('## Trend');
  });

  it('takes its numbers from the record through figures()', () => {
    const f = figures(current);
    expect(md).toContain(`pass rate ${f.passRateText}`);
    expect(f.passRateText).toBe('66.7%');
    expect(md).toContain(
      '- **Decision:** no decision — phase 5 not run (skipped: not available in this version)',
    );
  });

  it('keeps failure excerpts inside <details> with a fence that cannot be broken', () => {
    expect(md).toContain(
      '<details><summary>mission-critical › websocket agent events › tool_executing carries tool_name — failed: missing field "tool_name" in tool_executing event</summary>',
    );
    expect(md).toContain('````\nAssertionError');
  });
});

describe('executive summary for a reader who never ran tdl', () => {
  const base = () => record('tdl-20261122-030000-aaaaaa', '2026-11-22T03:00:00.000Z');
  const withPhase = (r: RunRecord, id: string, patch: Record<string, unknown>): RunRecord => {
    const p = r.phases.find((x) => x.id === id)!;
    Object.assign(p, patch);
    return r;
  };
  const compliance = (total: number, previous: { runId: string; totalViolations: number } | null) =>
    withPhase(base(), 'compliance', {
      state: 'completed',
      verdict: 'pass',
      reason: `${total} violation(s)`,
      data: {
        totalViolations: total,
        previous: previous && { ...previous, startedAt: '2026-11-21T03:00:00.000Z' },
      },
    });
  const summary = (r: RunRecord) => executiveSummary(r, { rel: (p) => p });
  const line = (r: RunRecord, label: string) =>
    summary(r)
      .split('\n')
      .find((l) => l.startsWith(`- **${label}:**`));

  it.each([
    [43, 34, '34 (43 → 34, −9 since tdl-prev)', -9],
    [10, 13, '13 (10 → 13, +3 since tdl-prev)', 3],
    [10, 10, '10 (10 → 10, ±0 since tdl-prev)', 0],
  ])('violations %i → %i: "%s", computed in figures()', (before, now, text, delta) => {
    const r = compliance(now, { runId: 'tdl-prev', totalViolations: before });
    expect(figures(r).violationsChange).toEqual({ previous: before, delta, runId: 'tdl-prev' });
    expect(line(r, 'Violations')).toBe(`- **Violations:** ${text}`);
  });

  it('shows the first line of a failure message whose newlines the report lost (node:test JUnit)', () => {
    const r = base();
    const tc = phaseData(r, 'run-tests')!.suites[0]!.cases[1]!;
    tc.message = "missing field duration+ actual - expected+ 'undefined'";
    tc.stack = "[Error [ERR_TEST_FAILURE]: missing field duration\n+ actual - expected\n\n+ 'undefined'] {";
    const md = renderWorklog({
      record: r,
      history: [],
      worklogDir: '/repo/worklogs',
      sections: sectionRenderers(),
    });
    expect(md).toContain('carries tool_name — failed: missing field duration</summary>');
  });

  it('names the services that did not pass phase 0', () => {
    const r = withPhase(base(), 'deploy-status', {
      state: 'completed',
      verdict: 'fail',
      reason: '2 service(s): 1 pass, 1 fail',
      data: {
        services: [
          { name: 'api', verdict: 'pass', kind: 'healthy' },
          { name: 'web', verdict: 'fail', kind: 'stale' },
        ],
      },
    });
    expect(line(r, 'Deployment')).toBe('- **Deployment:** 2 service(s): 1 pass, 1 fail (web: stale)');
  });

  it('links the previous run of the playbook', () => {
    const r = withPhase(base(), 'select-tests', {});
    phaseData(r, 'select-tests')!.previous = {
      runId: 'tdl-prev',
      startedAt: '2026-11-21T03:00:00.000Z',
      worklog: '/repo/worklogs/prev.md',
      decision: 'defer',
    };
    expect(line(r, 'Links')).toMatch(/, previous run \[tdl-prev\]\(\/repo\/worklogs\/prev\.md\)$/);
  });

  it('says so when no earlier run measured violations, and why when none were measured', () => {
    expect(line(compliance(7, null), 'Violations')).toBe(
      '- **Violations:** 7 (no earlier run of this playbook measured them)',
    );
    expect(line(base(), 'Violations')).toBe(
      '- **Violations:** not measured (phase 4 skipped: no audit section in the playbook)',
    );
  });

  it('puts the decision and its main reason first, counting the other reasons, then what was published', () => {
    const r = base();
    r.decision = {
      decision: 'defer',
      reasons: ['gates-passed fail: phase 2: NO-GO after tier 1', 'no-regressions inconclusive: x'],
    };
    withPhase(r, 'publish', {
      state: 'completed',
      reason: 'published',
      data: {
        dryRun: false,
        outbox: null,
        pull: null,
        actions: [],
        targetReason: 'default; token from GITHUB_TOKEN',
        issues: [
          { kind: 'master', number: 1, title: 'm', url: 'https://gh/i/1', state: 'open' },
          { kind: 'child', number: 2, title: 'a', url: 'https://gh/i/2', state: 'open' },
          { kind: 'child', number: 3, title: 'b', url: 'https://gh/i/3', state: 'closed' },
        ],
      },
    });
    const lines = summary(r).split('\n');
    expect(lines[0]).toBe(
      '- **Decision:** DEFER — gates-passed fail: phase 2: NO-GO after tier 1 (and 1 more reason(s), see phase 5)',
    );
    expect(lines[1]).toBe(
      '- **Published:** open issue(s) for the failures [#2](https://gh/i/2) (tracked in [#1](https://gh/i/1)); closed as resolved [#3](https://gh/i/3) on GitHub',
    );
    // Then the numbers, then the links.
    const at = (label: string) => lines.findIndex((l) => l.startsWith(`- **${label}:**`));
    expect([at('Tests'), at('Gates'), at('Violations'), at('Links')]).toEqual([2, 3, 5, 7]);
  });

  it('names the outbox and how to send it; leaves the line out while phase 6 is still running', () => {
    const r = withPhase(base(), 'publish', {
      state: 'completed',
      data: {
        dryRun: false,
        outbox: '/repo/.tdl/runs/x/outbox',
        pull: null,
        actions: [],
        issues: [],
        targetReason: 'default; no GitHub token found',
      },
    });
    expect(line(r, 'Published')).toBe(
      '- **Published:** drafts in the outbox `/repo/.tdl/runs/x/outbox`, not on GitHub yet (default; no GitHub token found); send them with `tdl publish tdl-20261122-030000-aaaaaa`',
    );
    expect(line(withPhase(base(), 'publish', { state: 'running' }), 'Published')).toBeUndefined();
    expect(line(base(), 'Published')).toBe(
      '- **Published:** nothing (phase 6 skipped: not available in this version)',
    );
  });
});
