/** Format details and edge cases, table-driven on small inline reports (the real-runner files are in results-runners). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GoJsonReader } from '../../src/results/go-json.js';
import { detectFormatOf, parseReportFile, ReportError } from '../../src/results/index.js';
import { parseJestLikeJson } from '../../src/results/jest-json.js';
import { JUnitReader } from '../../src/results/junit.js';
import { countCases, type ParsedReport } from '../../src/results/model.js';
import { cannotTell, exitCodeOf, summarize } from '../../src/results/summary.js';
import { TapReader } from '../../src/results/tap.js';

const junit = (xml: string, chunk = xml.length) => {
  const r = new JUnitReader();
  for (let i = 0; i < xml.length; i += chunk) r.write(xml.slice(i, i + chunk));
  return r.close();
};
const tap = (text: string) => {
  const r = new TapReader();
  for (const line of text.split('\n')) r.line(line);
  return r.close();
};
const go = (lines: (object | string)[]) => {
  const r = new GoJsonReader();
  for (const l of lines) r.line(typeof l === 'string' ? l : JSON.stringify(l));
  return r.close();
};
const statuses = (r: ParsedReport) => r.cases.map((c) => `${c.name}:${c.status}`);

describe('detectFormatOf: from content, not the name', () => {
  it.each([
    ['<?xml version="1.0"?><testsuites/>', 'junit'],
    ['\uFEFF  <testsuite name="x"/>', 'junit'],
    ['{"numTotalTests":1,"testResults":[]}', 'vitest-json'],
    ['{"numRuntimeErrorTestSuites":0,"testResults":[]}', 'jest-json'],
    ['{"Time":"t","Action":"start","Package":"p"}\n', 'go-json'],
    ['# example.com/x\nx.go:1:1: bad\nFAIL\texample.com/x [build failed]\n', 'go-json'],
    ['TAP version 14\n1..0\n', 'tap'],
    ['ok 1 - works\n1..1\n', 'tap'],
  ])('%j is %s', (text, format) => {
    expect(detectFormatOf(Buffer.from(text))).toBe(format);
  });
  it.each([
    ['', /empty/],
    ['\u0000\u0001binary', /binary/],
    ['{"hello":1}', /not a vitest\/jest report/],
    ['just some words', /cannot tell/],
  ])('%j is refused: %s', (text, why) => {
    expect(() => detectFormatOf(Buffer.from(text))).toThrow(why);
  });
});

describe('JUnit', () => {
  it('handles CDATA, entities, unicode, missing attributes and chunk boundaries anywhere', () => {
    const xml =
      '<testsuites><testsuite name="s"><testcase name="a &amp; b — ü"/>' +
      '<testcase classname="c" name="b" time="1.5"><failure><![CDATA[Error: <boom> & "x"\n  at f]]></failure></testcase>' +
      '<testcase><error message="bad &#x2713;">trace</error></testcase></testsuite></testsuites>';
    for (const chunk of [1, 7, xml.length]) {
      const r = junit(xml, chunk);
      expect(r.cases).toEqual([
        { suite: 's', name: 'a & b — ü', status: 'passed', durationMs: null },
        {
          suite: 'c',
          name: 'b',
          status: 'failed',
          durationMs: 1500,
          message: 'Error: <boom> & "x"',
          stack: 'Error: <boom> & "x"\n  at f',
        },
        { suite: 's', name: '', status: 'errored', durationMs: null, message: 'bad ✓', stack: 'trace' },
      ]);
    }
  });
  it('removes raw ANSI escapes (forbidden in XML) even when a chunk splits them', () => {
    const xml =
      '<testsuite><testcase name="t"><failure message="\u001b[31mred\u001b[0m">\u001b[1mbold</failure></testcase></testsuite>';
    for (const chunk of [1, 3, xml.length]) {
      const r = junit(xml, chunk);
      expect(r.cases[0]).toMatchObject({ status: 'failed', message: 'red', stack: 'bold' });
    }
  });
  it('an empty report has no cases and cannot tell green', () => {
    const r = junit('<testsuites tests="0"/>');
    expect(r.cases).toEqual([]);
    expect(cannotTell(summarize('x.xml', r))).toBe('no test executed');
  });
  it('a failure outranks a skip, except a node:test todo', () => {
    const r = junit(
      '<testsuite><testcase name="a"><skipped/><failure/></testcase>' +
        '<testcase name="b"><skipped type="todo"/><failure message="m"/></testcase></testsuite>',
    );
    expect(statuses(r)).toEqual(['a:failed', 'b:skipped']);
  });
  it('a report that declares more failures than it lists gets a note', () => {
    const r = junit(
      '<testsuites tests="2" failures="1"><testsuite><testcase name="a"/><testcase name="b"/></testsuite></testsuites>',
    );
    expect(r.notes).toEqual([
      'the report declares 1 failing test(s) but lists 0: some failures are not in the file',
    ]);
  });
  it.each([
    ['<html><body/></html>', /root element is <html>/],
    ['<testsuites><testcase name="a">', /unclosed/i],
    ['no xml at all', /text data outside of root node|no XML element/],
  ])('%j is an error', (xml, why) => {
    expect(() => junit(xml)).toThrow(why);
  });
});

describe('TAP', () => {
  it('reads directives, YAML diagnostics, nested subtests and node:test suites', () => {
    const r = tap(
      [
        'TAP version 14',
        '# Subtest: group',
        '    ok 1 - inner \\# hash',
        '      ---',
        '      duration_ms: 2.4',
        '      ...',
        '    not ok 2 - broken',
        '      ---',
        "      error: 'expected 1'",
        '      stack: |-',
        '        at x (file.js:1:1)',
        '      ...',
        '    1..2',
        'not ok 1 - group',
        '  ---',
        "  type: 'suite'",
        '  ...',
        'ok 2 - skipped one # SKIP not now',
        'not ok 3 - later # TODO write it',
        'ok 4 - plain',
        '1..4',
      ].join('\n'),
    );
    expect(statuses(r)).toEqual([
      'inner # hash:passed',
      'broken:failed',
      'skipped one:skipped',
      'later:skipped',
      'plain:passed',
    ]);
    expect(r.cases[0]).toMatchObject({ suite: 'group', durationMs: 2 });
    expect(r.cases[1]).toMatchObject({ message: 'expected 1', stack: 'expected 1\nat x (file.js:1:1)' });
    expect(r.notes).toEqual([]);
  });
  it('a bail out, a missing plan or a short plan are notes (never green)', () => {
    expect(tap('ok 1 - a\nBail out! database down').notes).toEqual(['the runner bailed out: database down']);
    expect(tap('TAP version 13\nok 1 - a').notes).toEqual([
      'no plan line (1..N): the output may have been cut short',
    ]);
    expect(tap('1..3\nok 1 - a').notes).toEqual(['the plan says 1..3 but only 1 top-level test(s) reported']);
  });
  it('text with no TAP in it is an error', () => {
    expect(() => tap('hello\nworld')).toThrow(/no TAP/);
  });
});

describe('go test -json', () => {
  const ev = (Action: string, Test?: string, extra: object = {}) => ({
    Action,
    Package: 'p',
    ...(Test ? { Test } : {}),
    ...extra,
  });
  it('a test that never finished and a package that ends early are errored entries with notes', () => {
    const r = go([
      ev('run', 'TestA'),
      ev('pass', 'TestA', { Elapsed: 0.25 }),
      ev('run', 'TestB'),
      ev('output', 'TestB', { Output: 'working\n' }),
    ]);
    expect(statuses(r)).toEqual(['TestA:passed', 'TestB:errored']);
    expect(r.cases[0]?.durationMs).toBe(250);
    expect(r.notes).toEqual(['the output ends before package p finished (killed, timed out or cut short)']);
  });
  it('a panic fails the package: the running test is errored', () => {
    const r = go([
      ev('run', 'TestA'),
      ev('output', 'TestA', { Output: 'panic: boom\n' }),
      ev('output', undefined, { Output: 'FAIL\tp\t0.01s\n' }),
      ev('fail', undefined, { Elapsed: 0.01 }),
    ]);
    expect(r.cases).toMatchObject([{ name: 'TestA', status: 'errored', stack: 'panic: boom' }]);
  });
  it('a package that fails with no failing test (TestMain, coverage) is one errored entry', () => {
    const r = go([
      ev('run', 'TestA'),
      ev('pass', 'TestA'),
      ev('output', undefined, { Output: 'TestMain said no\n' }),
      ev('fail'),
    ]);
    expect(statuses(r)).toEqual(['TestA:passed', '(package failed):errored']);
    expect(r.cases[1]?.message).toBe('package failed: TestMain said no');
  });
  it('Go 1.24 build failures arrive as build-output events', () => {
    const r = go([
      { ImportPath: 'p.test', Action: 'build-output', Output: '# p\n' },
      { ImportPath: 'p.test', Action: 'build-output', Output: './x.go:3:1: syntax error\n' },
      { ImportPath: 'p.test', Action: 'build-fail' },
      { Action: 'start', Package: 'p' },
      { Action: 'fail', Package: 'p', FailedBuild: 'p.test' },
    ]);
    expect(r.cases).toMatchObject([
      { name: '(build failed)', status: 'errored', message: 'build failed: ./x.go:3:1: syntax error' },
    ]);
  });
  it('plain text that is not Go output is an error when no event was read', () => {
    expect(() => go(['ok  \tp\t0.1s'])).toThrow(/not go test -json output \(line 1: ok/);
  });
});

describe('vitest/jest JSON', () => {
  const doc = (extra: object, files: object[]) =>
    JSON.stringify({ numTotalTests: 1, ...extra, testResults: files });
  it('success: false with nothing failing is a note', () => {
    const r = parseJestLikeJson(
      doc({ success: false }, [
        {
          name: 'f',
          status: 'passed',
          assertionResults: [{ title: 't', status: 'passed', ancestorTitles: [] }],
        },
      ]),
    );
    expect(r.notes).toEqual([
      'the runner reported success: false although no test failed (an unhandled error or snapshot problem)',
    ]);
  });
  it('more suites that failed to run than listed is a note (jest numRuntimeErrorTestSuites)', () => {
    const r = parseJestLikeJson(
      doc({ numRuntimeErrorTestSuites: 2, numFailedTestSuites: 2 }, [
        { name: 'f', status: 'failed', message: 'x', assertionResults: [] },
      ]),
    );
    expect(r.format).toBe('jest-json');
    expect(statuses(r)).toEqual(['f:errored']);
    expect(r.notes).toEqual(['the report says 2 test suite(s) failed to run but lists 1']);
  });
  it.each([
    ['[1,2]', /no "testResults"/],
    ['{"testResults": [1]}', /not an object/],
    ['{"testResults":[{"assertionResults":[{"status":"weird"}]}]}', /unknown test status "weird"/],
    ['{"testResults": [', /not valid JSON/],
  ])('%j is an error', (text, why) => {
    expect(() => parseJestLikeJson(text)).toThrow(why);
  });
});

describe("a test's own traceparent (per-test log correlation)", () => {
  const TP = `00-${'ab'.repeat(16)}-${'12'.repeat(8)}-01`;
  it('JUnit: a traceparent property (pytest record_property, vitest annotate), a line of the system-out, a node:test diagnostic after its testcase', () => {
    const r = junit(
      `<testsuites>
        <testsuite name="s">
          <testcase name="prop"><properties><property name="traceparent" value="${TP.toUpperCase()}"/></properties><failure message="x"/></testcase>
          <testcase name="out"><system-out>GET /api 500\ntraceparent: ${TP.replace('12', '34')}\n</system-out></testcase>
          <testcase name="bad"><properties><property name="traceparent" value="00-${'0'.repeat(32)}-${'12'.repeat(8)}-01"/></properties></testcase>
          <testcase name="unlabelled"><system-out>${TP}</system-out></testcase>
        </testsuite>
        <testcase name="node" classname="test"><failure message="y"/></testcase>
        <!-- traceparent: ${TP.replace('12', '56')} -->
        <testcase name="after" classname="test"/>
        <!-- tests 6 -->
      </testsuites>`,
      7,
    );
    expect(r.cases.map((c) => [c.name, c.traceparent ?? null])).toEqual([
      ['prop', TP],
      ['out', TP.replace('12', '34')],
      ['bad', null],
      ['unlabelled', null],
      ['node', TP.replace('12', '56')],
      ['after', null],
    ]);
  });
  it("vitest JSON: the test's meta.traceparent", () => {
    const r = parseJestLikeJson(
      JSON.stringify({
        numTotalTests: 2,
        testResults: [
          {
            name: 'f',
            status: 'passed',
            assertionResults: [
              { title: 'a', status: 'passed', meta: { traceparent: TP } },
              { title: 'b', status: 'passed', meta: { traceparent: 'not one' } },
            ],
          },
        ],
      }),
    );
    expect(r.cases.map((c) => c.traceparent ?? null)).toEqual([TP, null]);
  });
});

describe('exit code of tdl results', () => {
  const s = (cases: ParsedReport['cases'], notes: string[] = []) =>
    summarize('f', { format: 'junit', cases, notes });
  const t = (status: 'passed' | 'failed' | 'errored' | 'skipped') => ({
    suite: 's',
    name: status,
    status,
    durationMs: 1,
  });
  it.each([
    [[s([t('passed'), t('skipped')])], 0],
    [[s([t('passed')]), s([t('failed')])], 1],
    [[s([t('errored')])], 1],
    [[s([t('skipped')])], 1],
    [[s([t('passed')], ['doubt'])], 1],
  ])('%#', (files, code) => {
    expect(exitCodeOf(files)).toBe(code);
  });
});

describe('parseReportFile errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-results-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.each([
    ['empty.xml', '', 'auto', /empty\.xml: the file is empty/],
    [
      'cut.xml',
      '<testsuites><testsuite><testcase name="a">',
      'auto',
      /cut\.xml: not a valid junit report: .*unclosed/i,
    ],
    [
      'notjson.json',
      '{"testResults": [',
      'auto',
      /notjson\.json: not a valid vitest-json report: not valid JSON/,
    ],
    ['words.txt', 'nothing here', 'tap', /words\.txt: not a valid tap report: no TAP/],
  ])('%s', async (name, text, format, why) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const error = await parseReportFile(file, format as 'auto').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportError);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).not.toContain('\n');
  });
  it('a missing file', async () => {
    await expect(parseReportFile(join(dir, 'nope.xml'))).rejects.toThrow(/nope\.xml: cannot read: ENOENT/);
  });
  it('counts stay in the one model', async () => {
    const file = join(dir, 'ok.xml');
    writeFileSync(file, '<testsuite><testcase name="a" time="0.1"/></testsuite>');
    expect(countCases((await parseReportFile(file)).cases)).toMatchObject({
      total: 1,
      passed: 1,
      durationMs: 100,
    });
  });
});
