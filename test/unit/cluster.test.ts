import { describe, expect, it } from 'vitest';
import { clusterFailures } from '../../src/phases/3-root-cause/cluster.js';
import type { TestCase } from '../../src/results/model.js';

const REPO = '/repo';
const fail = (name: string, message: string, file: string, line: number, fn = 'assertShape'): TestCase => ({
  suite: 'events',
  name,
  status: 'failed',
  durationMs: 1,
  message,
  stack: `AssertionError [ERR_ASSERTION]: ${message}\n    at ${fn} (file://${REPO}/${file}:${line}:12)\n    at TestContext.<anonymous> (file://${REPO}/test/events.test.js:${line + 10}:3)`,
});

describe('clusterFailures', () => {
  it('puts three tests failing on the same field in the same place into one cluster', () => {
    const cases: TestCase[] = [
      fail('a', 'missing field "tool_name" in event 17 at 2026-11-25T10:00:00Z', 'test/shape.js', 22),
      fail('b', 'missing field "tool_name" in event 92 at 2026-11-24T09:12:13Z', 'test/shape.js', 22),
      fail('c', 'missing field "tool_name" in event 3 at 2026-11-23T01:02:03Z', 'test/shape.js', 22),
      { suite: 'events', name: 'ok', status: 'passed', durationMs: 1 },
    ];
    const clusters = clusterFailures([{ id: 'critical', tier: 1, cases }], REPO);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.tests.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(clusters[0]!.location).toBe('test/shape.js:22');
    expect(clusters[0]!.exceptionType).toBe('AssertionError');
  });

  it('splits the same message coming from two code locations', () => {
    const cases = [
      fail('a', 'missing field "x"', 'src/one.js', 5, 'check'),
      fail('b', 'missing field "x"', 'src/two.js', 5, 'check'),
    ];
    const clusters = clusterFailures([{ id: 's', tier: 1, cases }], REPO);
    expect(clusters).toHaveLength(2);
    expect(new Set(clusters.map((c) => c.id)).size).toBe(2);
  });

  it('gives a cluster the same id in another run (it is a fingerprint)', () => {
    const one = clusterFailures(
      [{ id: 's', tier: 1, cases: [fail('a', 'timeout after 1500 ms', 'src/x.js', 3)] }],
      REPO,
    );
    const two = clusterFailures(
      [{ id: 's', tier: 2, cases: [fail('z', 'timeout after 2210 ms', 'src/x.js', 3)] }],
      REPO,
    );
    expect(one[0]!.id).toBe(two[0]!.id);
  });

  it('clusters across suites and keeps the lowest tier', () => {
    const clusters = clusterFailures(
      [
        { id: 'api', tier: 2, cases: [fail('a', 'boom', 'src/x.js', 3)] },
        { id: 'critical', tier: 1, cases: [fail('b', 'boom', 'src/x.js', 3)] },
      ],
      REPO,
    );
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.tier).toBe(1);
    expect(clusters[0]!.tests.map((t) => t.suiteId)).toEqual(['api', 'critical']);
  });
});
