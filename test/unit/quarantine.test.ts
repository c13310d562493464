/** Quarantine (issue 14 point 3): matching, expiry, broken tests, gates, verdicts and no-regressions. */
import { describe, expect, it } from 'vitest';
import type { PhaseEntry, RunRecord } from '../../src/core/record.js';
import { type DecisionInput, noRegressions } from '../../src/decision/criteria.js';
import { historyId } from '../../src/history/model.js';
import {
  applyQuarantine,
  isExpired,
  notCountedBySuite,
  quarantineFindings,
  quarantineMatcher,
  type TestFacts,
} from '../../src/history/quarantine.js';
import type { RunTestsData, SuiteResult } from '../../src/phase-data/run-tests.js';
import { evaluateGate, withQuarantine } from '../../src/phases/2-run-tests/gates.js';
import { decisionSchema } from '../../src/playbook/sections/decision.js';
import { quarantineSchema } from '../../src/playbook/sections/history.js';
import { countCases, passRate, type TestCase } from '../../src/results/model.js';
import { suiteResult } from '../builders/results.js';

const tc = (name: string, status: TestCase['status']): TestCase => ({
  suite: 'test/cart.test.js',
  name,
  status,
  durationMs: 1,
});

function suite(id: string, cases: TestCase[]): SuiteResult {
  const counts = countCases(cases);
  return suiteResult(id, cases, {
    reason: `${counts.failed} failed, ${counts.errored} errored of ${counts.total}`,
  });
}

const NOW = new Date('2026-06-10T12:00:00Z');
const healthy: TestFacts = { health: () => 'healthy', cleanRuns: () => 0 };
const entries = (list: unknown[]) => quarantineSchema.parse(list);
const ENTRY = { test: 'web › * › sometimes', reason: 'cache race, #812', owner: 'ana', until: '2026-06-30' };

describe('quarantineMatcher', () => {
  it.each([
    ['web › test/cart.test.js › sometimes', 'web › test/cart.test.js › sometimes', true],
    ['web › * › sometimes', 'web › test/cart.test.js › sometimes', true],
    ['web › *', 'web › test/a/b.test.js › x (y)', true],
    ['web › * › sometimes', 'web › test/cart.test.js › sometimes again', false],
    ['web › test/cart.test.js › some.imes', 'web › test/cart.test.js › sometimes', false],
    ['api › *', 'web › test/cart.test.js › sometimes', false],
  ])('%s against %s: %s', (pattern, label, expected) => {
    expect(quarantineMatcher(pattern)(label)).toBe(expected);
  });
});

describe('isExpired', () => {
  it('holds through the whole `until` day (UTC) and expires the day after', () => {
    expect(isExpired('2026-06-10', NOW)).toBe(false);
    expect(isExpired('2026-06-09', NOW)).toBe(true);
    expect(isExpired('2026-06-10T11:00:00Z', NOW)).toBe(true);
    expect(isExpired('2026-06-10T13:00:00Z', NOW)).toBe(false);
  });
});

describe('applyQuarantine', () => {
  const web = suite('web', [tc('stable', 'passed'), tc('sometimes', 'failed'), tc('other', 'passed')]);

  it('keeps a flaky quarantined failure out of the counts, and lists it', () => {
    const q = applyQuarantine(entries([ENTRY]), [web], healthy, NOW, 2);
    expect(q.notCounted).toBe(1);
    expect(q.failures).toEqual([
      expect.objectContaining({ label: 'web › test/cart.test.js › sometimes', owner: 'ana', counted: false }),
    ]);
    expect(q.entries[0]).toMatchObject({ expired: false, matched: 1 });
    expect(quarantineFindings(q)).toEqual([]);
    expect(notCountedBySuite(q).get('web')).toEqual({ failed: 1, errored: 0 });
  });

  it('counts an expired entry again, with a finding', () => {
    const q = applyQuarantine(entries([{ ...ENTRY, until: '2026-06-01' }]), [web], healthy, NOW, 2);
    expect(q.notCounted).toBe(0);
    expect(q.failures[0]).toMatchObject({ counted: true, why: 'quarantine expired after 2026-06-01' });
    const f = quarantineFindings(q);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'quarantine-expired', severity: 'warning' });
    expect(notCountedBySuite(q).size).toBe(0);
  });

  it('never hides a broken test: it counts, with a finding', () => {
    const broken: TestFacts = {
      health: (id) => (id === historyId('web', tc('sometimes', 'failed')) ? 'broken' : 'healthy'),
      cleanRuns: () => 0,
    };
    const q = applyQuarantine(entries([ENTRY]), [web], broken, NOW, 2);
    expect(q.notCounted).toBe(0);
    expect(q.failures[0]!.counted).toBe(true);
    expect(quarantineFindings(q).map((f) => f.kind)).toEqual(['quarantine-broken']);
  });

  it('says an entry is no longer needed once its tests passed cleanly for `cleanAfter` runs', () => {
    const green = suite('web', [tc('sometimes', 'passed')]);
    const clean = (n: number): TestFacts => ({ health: () => 'healthy', cleanRuns: () => n });
    expect(quarantineFindings(applyQuarantine(entries([ENTRY]), [green], clean(1), NOW, 2))).toEqual([]);
    const q = applyQuarantine(entries([ENTRY]), [green], clean(2), NOW, 2);
    expect(q.entries[0]!.passingAgain).toBe(2);
    expect(quarantineFindings(q)).toEqual([
      expect.objectContaining({ kind: 'quarantine-passing', severity: 'info' }),
    ]);
  });
});

describe('suite verdict and gate with quarantined failures', () => {
  const web = suite('web', [tc('a', 'passed'), tc('b', 'passed'), tc('sometimes', 'failed')]);
  const gate = { afterTier: 1, minPassRate: 0.8 };

  it('a suite failing only by quarantined tests passes; its gate counts the rest', () => {
    expect(evaluateGate([web], gate).verdict).toBe('fail');
    const held = withQuarantine(web, { failed: 1, errored: 0 });
    expect(held.verdict).toBe('pass');
    expect(held.reason).toContain('1 quarantined failure(s) not counted');
    expect(held.counts.failed).toBe(1); // still reported
    const g = evaluateGate([held], gate);
    expect(g.verdict).toBe('pass');
    expect(g.reason).toBe('pass rate 100.0% (2/2; 1 quarantined failure(s) not counted) meets 80.0%');
  });

  it('a suite with another failure still fails; one with nothing else executed is inconclusive', () => {
    const two = suite('web', [tc('a', 'failed'), tc('sometimes', 'failed')]);
    expect(withQuarantine(two, { failed: 1, errored: 0 }).verdict).toBe('fail');
    const only = suite('web', [tc('sometimes', 'failed')]);
    expect(withQuarantine(only, { failed: 1, errored: 0 }).verdict).toBe('inconclusive');
    expect(evaluateGate([withQuarantine(only, { failed: 1, errored: 0 })], gate).verdict).toBe(
      'inconclusive',
    );
  });
});

describe('no-regressions with a quarantine', () => {
  const tests = (cases: TestCase[], q?: RunTestsData['quarantine']): PhaseEntry<'run-tests'> => {
    const s = suite('web', cases);
    return {
      id: 'run-tests',
      index: 2,
      title: 'Tests',
      state: 'completed',
      findings: [],
      data: {
        tiers: [],
        suites: [s],
        counts: s.counts,
        passRate: passRate(s.counts),
        noGo: null,
        ...(q ? { quarantine: q } : {}),
      },
    };
  };
  const before = {
    runId: 'r1',
    repo: { dir: '/r', commit: 'abc', branch: 'main', dirty: false },
    phases: [tests([tc('a', 'passed'), tc('sometimes', 'passed')])],
  } as unknown as RunRecord;
  const input = (t: PhaseEntry<'run-tests'>): DecisionInput => ({
    config: decisionSchema.parse({}),
    tests: t,
    clusters: [],
    compliance: { configured: false, result: undefined },
    deploy: { configured: false, result: undefined },
    diff: { base: 'main', stat: null },
    previous: before,
    baseRun: null,
    previousClusters: [],
    previousViolations: null,
    currentViolations: null,
  });
  const cases = [tc('a', 'passed'), tc('sometimes', 'failed')];

  it('a quarantined failure is listed, not counted; expired, it is a regression again', () => {
    expect(noRegressions(input(tests(cases))).verdict).toBe('fail');
    const held = applyQuarantine(entries([ENTRY]), [suite('web', cases)], healthy, NOW, 2);
    const r = noRegressions(input(tests(cases, held)));
    expect(r.verdict).toBe('pass');
    expect(r.evidence.join('\n')).toContain(
      'quarantined, listed not counted: `web › test/cart.test.js › sometimes` (ana)',
    );
    const expired = applyQuarantine(
      entries([{ ...ENTRY, until: '2026-01-01' }]),
      [suite('web', cases)],
      healthy,
      NOW,
      2,
    );
    expect(noRegressions(input(tests(cases, expired))).verdict).toBe('fail');
  });
});
