/**
 * Every checked-in report of a real runner (test/fixtures/reports, made by generate.sh) is read and its
 * counts compared with what that runner printed for the same run (`<name>.summary.txt`). The runner's
 * numbers are parsed from its own summary here, never typed in; where tdl counts differently by design
 * (README "Test reports"), the difference is spelled out next to the expectation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseReportFile } from '../../src/results/index.js';
import { type Counts, countCases, type ParsedReport, type TestCase } from '../../src/results/model.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'reports');
const summary = (name: string) => readFileSync(join(DIR, `${name}.summary.txt`), 'utf8');
const parse = (file: string) => parseReportFile(join(DIR, file));

/** A number the runner printed, found by a pattern with one capture group; 0 when the runner left it out. */
function printed(text: string, pattern: RegExp): number {
  const m = pattern.exec(text);
  return m ? Number(m[1]) : 0;
}

function counts(report: ParsedReport): Omit<Counts, 'flaky' | 'durationMs'> {
  const { flaky: _f, durationMs: _d, ...rest } = countCases(report.cases);
  return rest;
}

const byName = (report: ParsedReport, name: string): TestCase | undefined =>
  report.cases.find((c) => c.name === name);

describe('pytest JUnit (xunit2 and xunit1)', () => {
  // pytest's last line: "3 failed, 5 passed, 1 skipped, 1 xfailed, 1 xpassed, 3 errors in 0.67s".
  const text = summary('pytest-xunit2').trim().split('\n').at(-1)!;
  const runner = {
    failed: printed(text, /(\d+) failed/),
    // An unexpected pass of a non-strict xfail is a pass.
    passed: printed(text, /(\d+) passed/) + printed(text, /(\d+) xpassed/),
    skipped: printed(text, /(\d+) skipped/) + printed(text, /(\d+) xfailed/),
    errors: printed(text, /(\d+) errors?/),
  };

  it.each(['pytest-xunit2.xml', 'pytest-xunit1.xml'])('%s: counts as pytest printed them', async (file) => {
    expect(detectFormat(join(DIR, file))).toBe('junit');
    const report = await parse(file);
    // pytest prints a test whose teardown errored twice (passed and error); its JUnit has one testcase, an error.
    const teardownErrors = report.cases.filter((c) => c.message?.startsWith('failed on teardown')).length;
    expect(teardownErrors).toBe(1);
    expect(counts(report)).toEqual({
      total: runner.failed + runner.passed - teardownErrors + runner.skipped + runner.errors,
      passed: runner.passed - teardownErrors,
      failed: runner.failed,
      errored: runner.errors,
      skipped: runner.skipped,
    });
    expect(summary(file.replace('.xml', ''))).toContain(text.replace(/ in [\d.]+s.*/, ''));
    expect(byName(report, 'test_unexpected_pass')?.status).toBe('passed');
  });

  it('keeps failures (assertions and exceptions) apart from errors (setup, teardown, collection)', async () => {
    const report = await parse('pytest-xunit2.xml');
    expect(byName(report, 'test_assertion_fails')?.status).toBe('failed');
    expect(byName(report, 'test_raises_exception')?.status).toBe('failed');
    expect(byName(report, 'test_setup_error')?.status).toBe('errored');
    expect(byName(report, 'test_teardown_error')?.status).toBe('errored');
    // A collection error is one testcase with an empty classname.
    // pytest's message is only "collection failure"; the cause is the module it could not import.
    expect(byName(report, 'test_broken')).toMatchObject({
      status: 'errored',
      message: "ModuleNotFoundError: No module named 'module_that_does_not_exist'",
    });
    expect(summary('pytest-xunit2')).toContain(
      "E   ModuleNotFoundError: No module named 'module_that_does_not_exist'",
    );
    expect(byName(report, 'test_expected_failure')?.status).toBe('skipped');
    expect(byName(report, 'test_assertion_fails')?.message).toBe(`assert 'café <&> "quoted"' == 'cafe'`);
    expect(byName(report, 'test_raises_exception')?.message).toBe("ValueError: boom: <tag> & 'apostrophe' ✓");
    expect(byName(report, 'test_raises_exception')?.stack).toContain('raise ValueError');
    expect(byName(report, 'test_unicode_params[\\u65e5\\u672c]')?.status).toBe('passed');
    expect(report.declared?.tests).toBe(14);
  });

  it('an interrupted collection is one errored entry, as pytest printed "1 error"', async () => {
    expect(printed(summary('pytest-collection-error'), /(\d+) error in/)).toBe(1);
    expect(counts(await parse('pytest-collection-error.xml'))).toEqual({
      total: 1,
      passed: 0,
      failed: 0,
      errored: 1,
      skipped: 0,
    });
  });
});

describe('vitest (JUnit and JSON)', () => {
  const text = summary('vitest');
  const tests = /Tests\s+(.*)\((\d+)\)/.exec(text)![1]!;
  const runner = {
    failed: printed(tests, /(\d+) failed/),
    passed: printed(tests, /(\d+) passed/),
    skipped: printed(tests, /(\d+) skipped/) + printed(tests, /(\d+) todo/),
    // Files that failed without a failing test: vitest lists them under "Failed Suites".
    failedToLoad: printed(text, /Failed Suites (\d+)/),
  };

  it.each([
    ['vitest-junit.xml', 'junit'],
    ['vitest.json', 'vitest-json'],
  ])(
    '%s: the tests vitest printed, plus one errored entry per file that failed to load',
    async (file, format) => {
      expect(detectFormat(join(DIR, file))).toBe(format);
      const report = await parse(file);
      expect(report.format).toBe(format);
      expect(runner.failedToLoad).toBe(1);
      expect(counts(report)).toEqual({
        total: runner.failed + runner.passed + runner.skipped + runner.failedToLoad,
        passed: runner.passed,
        failed: runner.failed,
        errored: runner.failedToLoad,
        skipped: runner.skipped,
      });
      const broken = report.cases.find((c) => c.status === 'errored');
      expect(broken?.message).toBe('this file fails to load');
      expect(broken?.suite).toMatch(/broken\.test\.js$/);
      expect(report.notes).toEqual([]);
    },
  );

  it('no test files found: a note that says so (vitest printed it and exited 1), not a "success: false" riddle', async () => {
    expect(summary('vitest-no-tests')).toContain('No test files found, exiting with code 1');
    const report = await parse('vitest-no-tests.json');
    expect(counts(report).total).toBe(0);
    expect(report.notes).toEqual([
      'no test files found: the runner ran no test file (check its include patterns and the folder it ran in)',
    ]);
  });

  it('reads nested describe names, entities and ANSI-coloured messages', async () => {
    const junit = await parse('vitest-junit.xml');
    expect(byName(junit, 'math > fails an assertion with "quotes" & <angles>')?.message).toBe(
      "expected { name: 'café ✓' } to deeply equal { name: 'cafe' }",
    );
    expect(byName(junit, 'math > nested > throws')?.message).toBe('red boom');
    const json = await parse('vitest.json');
    expect(byName(json, 'math > nested > throws')?.message).toBe('TypeError: red boom');
    expect(byName(json, 'top level 日本')?.status).toBe('passed');
  });
});

describe('jest (JSON and jest-junit)', () => {
  const text = summary('jest');
  const tests = /Tests:\s+(.*)/.exec(text)![1]!;
  const runner = {
    failed: printed(tests, /(\d+) failed/),
    passed: printed(tests, /(\d+) passed/),
    skipped: printed(tests, /(\d+) skipped/),
    todo: printed(tests, /(\d+) todo/),
    failedToRun: text.split('● Test suite failed to run').length - 1,
  };

  it('jest JSON: the tests jest printed, plus one errored entry per suite that failed to run', async () => {
    expect(detectFormat(join(DIR, 'jest.json'))).toBe('jest-json');
    const report = await parse('jest.json');
    expect(runner.failedToRun).toBe(1);
    expect(counts(report)).toEqual({
      total: runner.failed + runner.passed + runner.skipped + runner.todo + runner.failedToRun,
      passed: runner.passed,
      failed: runner.failed,
      errored: runner.failedToRun,
      skipped: runner.skipped + runner.todo,
    });
    // Not jest's header ("● Test suite failed to run") but its reason, as jest printed it under the header.
    expect(report.cases.find((c) => c.status === 'errored')?.message).toBe(
      "Cannot find module './module-that-does-not-exist' from 'broken.test.js'",
    );
    expect(text).toContain("Cannot find module './module-that-does-not-exist' from 'broken.test.js'");
    expect(report.notes).toEqual([]);
  });

  it('jest-junit with reportTestSuiteErrors: the file that failed to run is one errored entry, not two', async () => {
    const report = await parse('jest-junit-suite-errors.xml');
    const c = counts(report);
    expect(c.errored).toBe(runner.failedToRun);
    expect(c.failed).toBe(runner.failed);
    expect(report.cases.find((x) => x.status === 'errored')?.message).toMatch(/^Cannot find module/);
  });

  it('jest-junit by default drops that file and writes todo as a plain testcase (what the file can tell)', async () => {
    const report = await parse('jest-junit.xml');
    // The file cannot tell a todo from a pass; the declared count (which leaves todo out) shows the gap.
    expect(counts(report)).toEqual({
      total: runner.failed + runner.passed + runner.skipped + runner.todo,
      passed: runner.passed + runner.todo,
      failed: runner.failed,
      errored: 0,
      skipped: runner.skipped,
    });
    expect(report.declared?.tests).toBe(runner.failed + runner.passed + runner.skipped);
  });
});

describe('mocha xunit', () => {
  const text = summary('mocha-xunit');
  it('no XML declaration, no wrapper, failures declared as errors: counts as mocha printed them', async () => {
    expect(readFileSync(join(DIR, 'mocha-xunit.xml'), 'utf8').startsWith('<testsuite ')).toBe(true);
    const report = await parse('mocha-xunit.xml');
    expect(report.declared?.errors).toBe(printed(text, /(\d+) failing/));
    expect(counts(report)).toEqual({
      total: printed(text, /(\d+) passing/) + printed(text, /(\d+) pending/) + printed(text, /(\d+) failing/),
      passed: printed(text, /(\d+) passing/),
      failed: printed(text, /(\d+) failing/),
      errored: 0,
      skipped: printed(text, /(\d+) pending/),
    });
    expect(byName(report, '"before all" hook for "never runs"')?.status).toBe('failed');
    expect(byName(report, 'fails an assertion with "quotes" & <angles>')?.suite).toBe('math');
    expect(byName(report, 'top level 日本')?.status).toBe('passed');
  });
});

describe('node:test (TAP and JUnit)', () => {
  const text = summary('node-test');
  const runner = {
    tests: printed(text, /ℹ tests (\d+)/),
    passed: printed(text, /ℹ pass (\d+)/),
    failed: printed(text, /ℹ fail (\d+)/),
    cancelled: printed(text, /ℹ cancelled (\d+)/),
    skipped: printed(text, /ℹ skipped (\d+)/) + printed(text, /ℹ todo (\d+)/),
  };

  it('TAP: exactly the counts node printed (cancelled = errored, todo = skipped, describe = no test)', async () => {
    expect(detectFormat(join(DIR, 'node-test.tap'))).toBe('tap');
    const report = await parse('node-test.tap');
    expect(counts(report)).toEqual({
      total: runner.tests,
      passed: runner.passed,
      failed: runner.failed,
      errored: runner.cancelled,
      skipped: runner.skipped,
    });
    expect(report.notes).toEqual([]);
    expect(byName(report, 'throws')).toMatchObject({ suite: 'math > nested', status: 'failed' });
    expect(byName(report, 'times out')).toMatchObject({
      status: 'errored',
      message: 'test timed out after 50ms',
    });
    expect(byName(report, 'is a todo')?.status).toBe('skipped');
    expect(byName(report, 'fails an assertion with "quotes" & <angles>')?.durationMs).toBeGreaterThan(0);
  });

  it('JUnit: counts from the XML comments, nested describes as suites, quotes escaped twice', async () => {
    const report = await parse('node-test-junit.xml');
    expect(report.declared).toEqual({
      tests: runner.tests,
      failures: runner.failed,
      errors: runner.cancelled,
      skipped: runner.skipped,
    });
    const failing = byName(report, 'fails an assertion with "quotes" & <angles>');
    expect(failing?.status).toBe('failed');
    expect(failing?.message).toContain(`name: 'café "✓"'`);
    expect(failing?.message).not.toContain('&quot;');
    expect(byName(report, 'throws')).toMatchObject({ suite: 'math > nested', message: 'red boom' });
    expect(byName(report, 'is a todo')?.status).toBe('skipped');
    expect(byName(report, 'times out')?.status).toBe('errored');
    // node:test writes a test with subtests as a <testsuite>: the file lists it nowhere, so one failing test
    // the runner counted is missing; the comments tell, and the note keeps the report from reading green.
    const c = counts(report);
    expect(c).toEqual({
      total: runner.tests - 1,
      passed: runner.passed,
      failed: runner.failed - 1,
      errored: runner.cancelled,
      skipped: runner.skipped,
    });
    expect(report.notes).toEqual([
      'the report declares 6 failing test(s) but lists 5: some failures are not in the file',
    ]);
  });
});

describe('go test -json', () => {
  const text = summary('go-test');

  /** The counting rule applied to go's own verbose output: leaves, plus parents that failed on their own. */
  function fromGoVerbose(out: string) {
    const results = [...out.matchAll(/--- (PASS|FAIL|SKIP): (\S+)/g)].map((m) => ({ s: m[1]!, name: m[2]! }));
    const isParent = (n: string) => results.some((r) => r.name.startsWith(`${n}/`));
    const childFailed = (n: string) => results.some((r) => r.name.startsWith(`${n}/`) && r.s === 'FAIL');
    const counted = results.filter((r) => !isParent(r.name) || (r.s === 'FAIL' && !childFailed(r.name)));
    return {
      passed: counted.filter((r) => r.s === 'PASS').length,
      failed: counted.filter((r) => r.s === 'FAIL').length,
      skipped: counted.filter((r) => r.s === 'SKIP').length,
      buildFailures: [...out.matchAll(/^FAIL\s+\S+ \[build failed\]/gm)].length,
    };
  }

  it('leaf tests as go printed them; a parent only when it failed on its own; a build failure errored', async () => {
    expect(detectFormat(join(DIR, 'go-test.json'))).toBe('go-json');
    const report = await parse('go-test.json');
    const runner = fromGoVerbose(text);
    expect(runner).toEqual({ passed: 5, failed: 3, skipped: 1, buildFailures: 1 });
    expect(counts(report)).toEqual({
      total: runner.passed + runner.failed + runner.skipped + runner.buildFailures,
      passed: runner.passed,
      failed: runner.failed,
      errored: runner.buildFailures,
      skipped: runner.skipped,
    });
    expect(byName(report, 'TestParent')).toBeUndefined();
    expect(byName(report, 'TestParentOwnFailure')?.message).toBe('ok_test.go:30: the parent itself failed');
    expect(byName(report, 'TestParent/child_fails')?.message).toBe('ok_test.go:21: child failure');
    expect(byName(report, '(build failed)')).toMatchObject({
      suite: 'example.com/gofix/broken',
      status: 'errored',
    });
    expect(report.notes).toEqual([]);
  });

  it('a build failure printed as plain text (2>&1) is a clear errored entry, not "0 tests"', async () => {
    expect(detectFormat(join(DIR, 'go-test-build-failure.json'))).toBe('go-json');
    const report = await parse('go-test-build-failure.json');
    expect(report.cases).toHaveLength(1);
    expect(report.cases[0]).toMatchObject({
      suite: 'example.com/gofix/broken',
      status: 'errored',
      message:
        'build failed: broken/broken_test.go:6:14: cannot use "not an int" (untyped string constant) as int value in variable declaration',
    });
  });
});
