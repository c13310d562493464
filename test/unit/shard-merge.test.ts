import { describe, expect, it } from 'vitest';
import type { SuiteResult } from '../../src/phase-data/run-tests.js';
import { countCases, type TestCase } from '../../src/results/model.js';
import { PARTIAL_KIND, type PartialRecord, type ReadPartial } from '../../src/shard/document.js';
import { mergeSuite, mergeTier } from '../../src/shard/merge.js';
import { planTier } from '../../src/shard/plan.js';
import { suiteResult } from '../builders/results.js';

const PLAN = { runId: 'tdl-20260101-000000-abcdef', digest: 'd1', shards: 2 };
const FILES = ['a.js', 'b.js', 'c.js', 'd.js'];
const tierPlan = planTier(
  1,
  [
    {
      id: 'split',
      tier: 1,
      split: { by: 'files', files: FILES },
      knownMs: null,
      fileMs: new Map(FILES.map((f) => [f, 100])),
    },
    { id: 'whole', tier: 1, split: null, knownMs: 150 },
  ],
  2,
  null,
);

function cases(prefix: string, pass: number, fail = 0): TestCase[] {
  return [
    ...Array.from({ length: pass }, (_, i) => ({
      suite: prefix,
      name: `ok ${i}`,
      status: 'passed' as const,
      durationMs: 1,
    })),
    ...Array.from({ length: fail }, (_, i) => ({
      suite: prefix,
      name: `bad ${i}`,
      status: 'failed' as const,
      durationMs: 1,
      message: 'no',
    })),
  ];
}

function suite(id: string, cs: TestCase[], state: SuiteResult['state'] = 'completed'): SuiteResult {
  const verdict = state !== 'completed' ? 'inconclusive' : countCases(cs).failed ? 'fail' : 'pass';
  return suiteResult(id, cs, { state, verdict, reason: 'r', durationMs: 5 });
}

/** The partial of shard `index` with the chunks the plan gave it (each chunk: 3 passing tests, `fail` failing). */
function partial(index: number, over: Partial<PartialRecord> = {}, fail = 0): ReadPartial {
  const chunks = tierPlan.chunks
    .filter((c) => c.shard === index)
    .map((c) => ({
      id: c.id,
      suite: suite(c.suite, cases(c.id, 3, fail)) as unknown as PartialRecord['chunks'][number]['suite'],
    }));
  return {
    file: `p${index}.json`,
    partial: {
      kind: PARTIAL_KIND,
      version: 1,
      runId: PLAN.runId,
      planDigest: PLAN.digest,
      tier: 1,
      shard: { index, count: 2 },
      host: `host-${index}`,
      environment: {},
      commit: null,
      state: 'completed',
      startedAt: '',
      endedAt: '',
      wallMs: 100 * index,
      chunks,
      ...over,
    },
  };
}

const GATE = { afterTier: 1, minPassRate: 0.8 };

describe('mergeTier', () => {
  it('merges a complete tier into the suites an unsharded run reports, and says GO', () => {
    const m = mergeTier(PLAN, tierPlan, [partial(1), partial(2)], GATE);
    expect(m.complete).toBe(true);
    expect(m.findings).toEqual([]);
    expect(m.go).toBe(true);
    expect(m.suites.map((s) => s.id)).toEqual(['split', 'whole']);
    const split = m.suites[0]!;
    expect(split.counts.passed).toBe(3 * tierPlan.chunks.filter((c) => c.suite === 'split').length);
    expect(split.cases).toHaveLength(split.counts.total);
    expect(m.result).toMatchObject({ state: 'completed', gate: { verdict: 'pass' } });
    expect(m.rows.map((r) => [r.index, r.state, r.host, r.wallMs])).toEqual([
      [1, 'completed', 'host-1', 100],
      [2, 'completed', 'host-2', 200],
    ]);
    expect(m.balance).toEqual({ slowestMs: 200, meanMs: 150, ratio: 200 / 150 });
  });

  it('a failed gate is NO-GO, complete', () => {
    const m = mergeTier(PLAN, tierPlan, [partial(1, {}, 3), partial(2, {}, 3)], GATE);
    expect(m).toMatchObject({ complete: true, go: false, result: { gate: { verdict: 'fail' } } });
  });

  it('a missing partial: its chunks are missing, the tier inconclusive and NO-GO, never pass', () => {
    const m = mergeTier(PLAN, tierPlan, [partial(1)], GATE);
    expect(m.complete).toBe(false);
    expect(m.go).toBe(false);
    expect(m.findings.map((f) => f.kind)).toEqual(['missing-chunk']);
    expect(m.findings[0]!.message).toMatch(/^shard 2\/2: no partial arrived for/);
    expect(m.result.state).toBe('errored');
    expect(m.result.gate?.verdict).toBe('inconclusive');
    const missingSuite = m.suites.find((s) =>
      tierPlan.chunks.some((c) => c.shard === 2 && c.suite === s.id),
    )!;
    expect(missingSuite).toMatchObject({ state: 'errored', verdict: 'inconclusive' });
    expect(m.rows[1]).toMatchObject({ state: 'missing', wallMs: null });
  });

  it('a duplicated partial: counted once, and the tier is inconclusive', () => {
    const m = mergeTier(PLAN, tierPlan, [partial(1), partial(2), partial(2)], GATE);
    expect(m.complete).toBe(false);
    expect(m.go).toBe(false);
    expect(new Set(m.findings.map((f) => f.kind))).toEqual(new Set(['duplicate-partial', 'duplicate-chunk']));
    const once = mergeTier(PLAN, tierPlan, [partial(1), partial(2)], GATE);
    expect(m.result.counts).toEqual(once.result.counts);
    expect(m.result.gate?.verdict).toBe('inconclusive');
  });

  it.each([
    [
      'another run',
      { runId: 'tdl-20260101-000000-000000' },
      /not of this run: run tdl-20260101-000000-000000/,
    ],
    ['another plan', { planDigest: 'other' }, /plan other, not this plan/],
    ['another shard count', { shard: { index: 2, count: 3 } }, /shard 2\/3 of a plan of 2 shards/],
  ])('a foreign partial (%s) is not used and makes the tier inconclusive', (_name, over, message) => {
    const m = mergeTier(
      PLAN,
      tierPlan,
      [partial(1), partial(2), partial(2, over as Partial<PartialRecord>)],
      GATE,
    );
    expect(m.complete).toBe(false);
    expect(m.go).toBe(false);
    expect(m.findings).toHaveLength(1);
    expect(m.findings[0]).toMatchObject({ kind: 'foreign-partial', severity: 'error' });
    expect(m.findings[0]!.message).toMatch(message);
    expect(m.result.counts).toEqual(mergeTier(PLAN, tierPlan, [partial(1), partial(2)], GATE).result.counts);
  });

  it('a foreign partial standing in for a missing one does not fill its place', () => {
    const m = mergeTier(
      PLAN,
      tierPlan,
      [partial(1), partial(2, { runId: 'tdl-20260101-000000-000000' })],
      GATE,
    );
    expect(m.findings.map((f) => f.kind).sort()).toEqual(['foreign-partial', 'missing-chunk']);
    expect(m.go).toBe(false);
  });

  it('a chunk the plan gave another shard, an unreadable partial and an interrupted shard are findings', () => {
    const wrong = partial(1);
    if ('partial' in wrong)
      wrong.partial.chunks.push(...(partial(2) as { partial: PartialRecord }).partial.chunks);
    const m = mergeTier(PLAN, tierPlan, [wrong, { file: 'x.json', problem: 'not JSON' }], GATE);
    expect(m.findings.map((f) => f.kind).sort()).toEqual(
      expect.arrayContaining(['unplanned-chunk', 'unreadable-partial']),
    );
    expect(m.go).toBe(false);
    // Interrupted while its (only) chunk ran: the chunk's suite is cancelled.
    const cut = partial(2, { state: 'cancelled' });
    if ('partial' in cut)
      cut.partial.chunks = cut.partial.chunks.map((c) => ({
        ...c,
        suite: suite(c.suite.id, cases(c.id, 1), 'cancelled') as unknown as typeof c.suite,
      }));
    const interrupted = mergeTier(PLAN, tierPlan, [partial(1), cut], GATE);
    expect(interrupted.findings.map((f) => f.kind)).toContain('shard-interrupted');
    expect(interrupted.go).toBe(false);
    expect(interrupted.result.gate?.verdict).toBe('inconclusive');
  });

  it('leaves partials of other tiers out with a note, not a completeness problem', () => {
    const m = mergeTier(PLAN, tierPlan, [partial(1), partial(2), partial(1, { tier: 2 })], GATE);
    expect(m.complete).toBe(true);
    expect(m.findings).toEqual([expect.objectContaining({ kind: 'other-tier-partial', severity: 'info' })]);
  });
});

describe('mergeSuite', () => {
  it('is the worst state and verdict of its chunks; a missing chunk is errored and inconclusive', () => {
    const a = suite('s', cases('a', 2));
    const b = suite('s', cases('b', 1, 1));
    expect(mergeSuite('s', 1, [a, b], [], undefined)).toMatchObject({
      state: 'completed',
      verdict: 'fail',
      reason: '1 failed, 0 errored of 4',
      counts: { total: 4, passed: 3, failed: 1 },
    });
    expect(mergeSuite('s', 1, [a], ['s#2'], undefined)).toMatchObject({
      state: 'errored',
      verdict: 'inconclusive',
      reason: '1 chunk never reported (s#2): results incomplete',
    });
    expect(mergeSuite('s', 1, [a, suite('s', [], 'cancelled')], [], undefined)).toMatchObject({
      state: 'cancelled',
      verdict: 'inconclusive',
    });
  });
});
