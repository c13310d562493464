import { describe, expect, it } from 'vitest';
import { clusterFailures } from '../../src/clustering/cluster.js';
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

/** A vitest failure of `expect(got).toBe(want)` asserted at `file:line` (its JUnit stack shape). */
const row = (scope: string, name: string, got: string, want: string, at: string): TestCase => ({
  suite: at.split(':')[0]!,
  name: `${scope} > ${name}`,
  status: 'failed',
  durationMs: 1,
  message: `expected '${got}' to be '${want}' // Object.is equality`,
  stack: `AssertionError: expected '${got}' to be '${want}' // Object.is equality\n\nExpected: "${want}"\nReceived: "${got}"\n\n ❯ ${at}:9`,
});
const clustersOf = (cases: TestCase[]) => clusterFailures([{ id: 's', tier: 1, cases }], REPO);

describe('signature version 4: one assertion over a table of data is one cluster', () => {
  it('joins the rows of a table test that fail at one assertion in different ways', () => {
    const rows = [
      row('stringifyParsedURL', 'a', '?q=1', './?q=1', 'test/utilities.test.ts:133'),
      row('stringifyParsedURL', 'b', '?q=2', './?q=2', 'test/utilities.test.ts:133'),
      row('stringifyParsedURL', 'c', '', '/%c', 'test/utilities.test.ts:133'), // received nothing
      row('stringifyParsedURL', 'd', '#hash', '.#hash', 'test/utilities.test.ts:133'), // missing "."
    ];
    const clusters = clustersOf(rows);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.tests.map((t) => t.name.split(' > ')[1])).toEqual(['a', 'b', 'c', 'd']);
    // The dominant failure keeps the id (the fingerprint) it has on its own.
    expect(clusters[0]!.id).toBe(clustersOf(rows.slice(0, 2))[0]!.id);
  });

  it('joins transitively: a wrong value seen at two sites links both', () => {
    const clusters = clustersOf([
      row('withQuery', 'a', '', '/', 'test/query.test.ts:70'),
      row('withQuery', 'b', '?t', '/?t', 'test/query.test.ts:70'), // missing "/", in any file
      row('resolveURL', 'c', '?x', '/?x', 'test/resolve.test.ts:16'), // missing "/"
      row('resolveURL', 'd', 'z?x', 'a/b/z?x', 'test/resolve.test.ts:16'),
    ]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.tests).toHaveLength(4);
  });

  it('keeps apart the same line asserted in two scopes (a helper shared by two describe blocks)', () => {
    const clusters = clustersOf([
      row('charset', 'a', 'utf-8', 'UTF-8', 'test/helpers.ts:5'),
      row('extension', 'b', 'jpeg', 'jpg', 'test/helpers.ts:5'),
    ]);
    expect(clusters).toHaveLength(2);
  });

  it('keeps apart two lines of one scope that fail differently', () => {
    const clusters = clustersOf([
      row('withBase', 'a', '/fo', '/foo', 'test/base.test.ts:36'),
      row('withBase', 'b', '', '/foo', 'test/base.test.ts:40'),
    ]);
    expect(clusters).toHaveLength(2);
  });

  it('does not join by the test line when the code under test is on the stack', () => {
    const crash = (name: string, fn: string, file: string): TestCase => ({
      suite: 'test/parse.test.ts',
      name: `parse > ${name}`,
      status: 'failed',
      durationMs: 1,
      message: `Cannot read properties of undefined (reading '${name}')`,
      stack: `TypeError: Cannot read properties of undefined (reading '${name}')\n ❯ ${fn} ${file}:9:3\n ❯ test/parse.test.ts:12:5`,
    });
    expect(
      clustersOf([crash('a', 'decodePath', 'src/encoding.ts'), crash('b', 'parseFilename', 'src/parse.ts')]),
    ).toHaveLength(2);
  });

  it("joins the rows of one pytest parametrized test (one assert line), not another test's", () => {
    const py = (name: string, message: string, line: number): TestCase => ({
      suite: 'tests.test_signer.TestSigner',
      name,
      status: 'failed',
      durationMs: 1,
      message,
      stack: `>       assert signer.sign(value) == expected\nE       AssertionError: ${message}\n\ntests/test_signer.py:${line}: AssertionError`,
    });
    const clusters = clustersOf([
      py('test_sign[a]', "assert b'x.a' == b'a.x'", 52),
      py('test_sign[b]', "assert None == b'b.x'", 52),
      py('test_sign[c]', 'assert (False, None) == (True, 1)', 52),
      py('test_verify', 'assert False', 80),
    ]);
    expect(clusters.map((c) => c.tests.length)).toEqual([3, 1]);
  });
});

describe('signature version 4: pytest test functions', () => {
  const py = (suite: string, name: string, message: string, line: number): TestCase => ({
    suite,
    name,
    status: 'failed',
    durationMs: 1,
    message,
    stack: `E       AssertionError: ${message}\n\ntests/test_serializer.py:${line}: AssertionError`,
  });

  it('joins a test function run by a class of another module (inherited) with its own class', () => {
    const clusters = clustersOf([
      py(
        'tests.test_serializer.TestSerializer',
        'test_loads_unsafe[a]',
        'assert (False, None) == (True, 1)',
        92,
      ),
      py(
        'tests.test_serializer.TestSerializer',
        'test_loads_unsafe[b]',
        'assert (False, None) == (True, 2)',
        92,
      ),
      py('tests.test_url_safe.TestURLSafeSerializer', 'test_loads_unsafe[c]', "assert None == b'x'", 92),
    ]);
    expect(clusters.map((c) => c.tests.length)).toEqual([3]);
  });

  it('keeps apart two test functions failing at one helper line', () => {
    const clusters = clustersOf([
      py('tests.test_serializer.TestSerializer', 'test_dumps', 'assert (False, None) == (True, 1)', 20),
      py('tests.test_serializer.TestSerializer', 'test_loads', "assert None == b'x'", 20),
    ]);
    expect(clusters).toHaveLength(2);
  });
});

describe('signature version 4: Go table tests', () => {
  const go = (name: string, output: string): TestCase => ({
    suite: 'github.com/gorilla/mux',
    name,
    status: 'failed',
    durationMs: 1,
    message: output,
    stack: output,
  });

  it("joins the rows of one Go test that fail at one t.Errorf line, not another test's", () => {
    const clusters = clustersOf([
      go('TestHost/a', 'mux_test.go:1882: (a) Vars not equal: expected map[v1:bbb], got map[V1:bbb]'),
      go('TestHost/b', 'mux_test.go:1882: (b) erred while creating url: missing route variable "v1"'),
      // The same helper line in another Go test, failing another way: kept apart.
      go('TestPath/c', 'mux_test.go:1882: (c) route did not match'),
    ]);
    expect(clusters.map((c) => c.tests.map((t) => t.name))).toEqual([
      ['TestHost/a', 'TestHost/b'],
      ['TestPath/c'],
    ]);
  });
});
