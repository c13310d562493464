import { describe, expect, it } from 'vitest';
import { testKey } from '../../src/decision/compare.js';
import { type DecisionInput, testsNotWeakened } from '../../src/decision/criteria.js';
import { evaluateCriteria } from '../../src/decision/policy.js';
import {
  type ListedTest,
  narrowing,
  policyWeakenings,
  type RunTests,
  runWeakenings,
  sourceWeakenings,
} from '../../src/decision/weakening.js';
import type { TestPolicy } from '../../src/phase-data/run-tests.js';
import { decisionSchema } from '../../src/playbook/sections/decision.js';

const t = (
  group: string,
  name: string,
  status: ListedTest['status'] = 'passed',
  suite = 'unit',
): ListedTest => ({
  id: testKey(suite, group, name),
  suite,
  group,
  name,
  status,
});
const run = (runId: string, tests: ListedTest[], executed?: Record<string, number>): RunTests => ({
  runId,
  tests,
  executed: executed ?? { unit: tests.filter((x) => x.status !== 'skipped').length },
  policy: null,
});
const POLICY: TestPolicy = {
  suites: [{ id: 'unit', command: ['npx', 'vitest', 'run', 'test/'], timeoutMs: 60_000, retries: 0 }],
  gates: [{ afterTier: 1, minPassRate: 0.9 }],
  quarantine: [],
};

describe('the rename rule', () => {
  it('a test gone from one file and present with the same name in another is a rename, not a loss', () => {
    const before = run('r1', [t('test/a.test.ts', 'adds'), t('test/a.test.ts', 'subtracts')]);
    const after = run('r2', [t('test/a.test.ts', 'adds'), t('test/math/sub.test.ts', 'subtracts')]);
    expect(runWeakenings(after, before)).toEqual([]);
  });

  it('a test gone with no same-named test elsewhere has vanished', () => {
    const before = run('r1', [t('test/a.test.ts', 'adds'), t('test/a.test.ts', 'subtracts')]);
    const after = run('r2', [t('test/a.test.ts', 'adds'), t('test/b.test.ts', 'multiplies')]);
    expect(runWeakenings(after, before)).toEqual([
      {
        kind: 'test-vanished',
        against: 'previous run r1',
        message: '`unit` › test/a.test.ts › subtracts ran in r1 and is gone',
      },
    ]);
  });

  it('in the source: a test moved to another changed file is a move; removed outright it is a loss', () => {
    const a =
      "import { test } from 'vitest';\ntest('adds', () => { expect(1 + 1).toBe(2); });\ntest('subtracts', () => { expect(2 - 1).toBe(1); });\n";
    const a2 = "import { test } from 'vitest';\ntest('adds', () => { expect(1 + 1).toBe(2); });\n";
    const b = "import { test } from 'vitest';\ntest('subtracts', () => { expect(2 - 1).toBe(1); });\n";
    expect(
      sourceWeakenings(
        [
          { path: 'test/a.test.ts', before: a, after: a2 },
          { path: 'test/b.test.ts', before: null, after: b },
        ],
        'base main',
      ),
    ).toEqual([]);
    const lost = sourceWeakenings([{ path: 'test/a.test.ts', before: a, after: a2 }], 'base main');
    expect(lost.map((w) => w.kind)).toEqual(['test-removed-from-source', 'assertions-lost']);
  });

  it('a "move" that dropped the assertions is still caught by the assertion count', () => {
    const a = "test('adds', () => { expect(1 + 1).toBe(2); expect(2 + 2).toBe(4); });\n";
    const b = "test('adds', () => {});\n";
    const found = sourceWeakenings(
      [
        { path: 'test/a.test.ts', before: a, after: null },
        { path: 'test/b.test.ts', before: null, after: b },
      ],
      'base main',
    );
    expect(found.map((w) => w.kind)).toEqual(['assertions-lost']);
  });
});

describe('weakenings against the previous run', () => {
  it('finds tests newly skipped and a drop in executed tests (collection errors: 186 → 2)', () => {
    const before = run('r1', [t('g', 'a'), t('g', 'b')], { unit: 186 });
    const after = run('r2', [t('g', 'a'), t('g', 'b', 'skipped')], { unit: 2 });
    expect(runWeakenings(after, before).map((w) => w.message)).toEqual([
      '`unit` › g › b was passed, now skipped',
      'suite `unit` executed 2 test(s), 186 in r1',
    ]);
  });

  it('says nothing about a suite that did not run now (another focus, a NO-GO)', () => {
    const before = run('r1', [t('g', 'a', 'passed', 'api')], { api: 1 });
    const after = run('r2', [t('g', 'x')], { unit: 1 });
    expect(runWeakenings(after, before)).toEqual([]);
  });
});

describe('weakenings of the playbook', () => {
  it('suites removed, commands narrowed, gates lowered, timeouts and retries raised, quarantine added', () => {
    const now: TestPolicy = {
      suites: [
        {
          id: 'unit',
          command: ['npx', 'vitest', 'run', 'test/', '-t', 'smoke'],
          timeoutMs: 120_000,
          retries: 2,
        },
      ],
      gates: [{ afterTier: 1, minPassRate: 0.5 }],
      quarantine: ['unit › *'],
    };
    const was: TestPolicy = {
      ...POLICY,
      suites: [...POLICY.suites, { id: 'e2e', command: ['x'], timeoutMs: 1, retries: 0 }],
    };
    expect(policyWeakenings(now, was, 'base main').map((w) => w.kind)).toEqual([
      'command-narrowed',
      'timeout-raised',
      'retries-raised',
      'suite-removed',
      'gate-lowered',
      'quarantine-added',
    ]);
    expect(policyWeakenings(POLICY, POLICY, 'base main')).toEqual([]);
  });

  it.each([
    [['pytest', 'tests/'], ['pytest', 'tests/', '-k', 'fast'], 'filter `-k` added'],
    [['pytest', 'tests/'], ['pytest', 'tests/unit/'], 'test path `tests/` dropped (now `tests/unit/`)'],
    [
      ['go', 'test', '-run', 'TestA|TestB', './...'],
      ['go', 'test', '-run', 'TestA|TestB|TestCx', './...'],
      'filter changed',
    ],
    [['pytest', 'tests/'], ['pytest', '.'], null],
    [['pytest', 'tests/unit/'], ['pytest', 'tests/'], null],
    [['npx', 'mocha', 'test/'], ['npx', 'mocha', 'test/', '--reporter', 'xunit'], null],
  ])('%j → %j: %s', (before, after, why) => {
    const found = narrowing(before, after);
    if (why === null) expect(found).toBeNull();
    else expect(found).toContain(why);
  });
});

describe('the tests-not-weakened criterion', () => {
  const input = (weakening: DecisionInput['weakening'], required = false): DecisionInput =>
    ({
      config: decisionSchema.parse({}),
      tests: { state: 'completed' },
      weakening,
      weakeningRequired: required,
      clusters: [],
      compliance: { configured: false, result: undefined },
      deploy: { configured: false, result: undefined },
      diff: { base: 'main', stat: null },
      previous: null,
      baseRun: null,
      previousClusters: [],
      previousViolations: null,
      currentViolations: null,
    }) as unknown as DecisionInput;

  it('fails with every weakening as evidence', () => {
    const r = testsNotWeakened(
      input({
        current: { ...run('r2', [t('g', 'a')]), policy: POLICY },
        previous: run('r1', [t('g', 'a'), t('g', 'b')]),
        base: null,
      }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toBe('2 weakening(s) of the tests');
    expect(r.evidence[1]).toBe('previous run r1: `unit` › g › b ran in r1 and is gone');
  });

  it('passes when compared and nothing weakened; inconclusive with nothing to compare', () => {
    const current = { ...run('r2', [t('g', 'a')]), policy: POLICY };
    expect(testsNotWeakened(input({ current, previous: run('r1', [t('g', 'a')]), base: null })).verdict).toBe(
      'pass',
    );
    expect(testsNotWeakened(input({ current, previous: null, base: null })).verdict).toBe('inconclusive');
    expect(testsNotWeakened(input(null)).verdict).toBe('inconclusive');
  });

  it('is required when the run says so (--until-green, a branch), else only shown', () => {
    const w = { current: { ...run('r2', [t('g', 'a')]), policy: POLICY }, previous: null, base: null };
    const find = (required: boolean) =>
      evaluateCriteria(input(w, required)).find((c) => c.id === 'tests-not-weakened')!;
    expect(find(true).required).toBe(true);
    expect(find(false).required).toBe(false);
  });
});
