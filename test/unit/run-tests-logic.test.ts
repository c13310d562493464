import { describe, expect, it } from 'vitest';
import { percent } from '../../src/core/format.js';
import type { SuiteResult } from '../../src/phase-data/run-tests.js';
import { checkAuthenticity } from '../../src/phases/2-run-tests/authenticity.js';
import { evaluateGate } from '../../src/phases/2-run-tests/gates.js';
import { mergeAttempts, stripAnsi } from '../../src/phases/2-run-tests/suite.js';
import { expandAll } from '../../src/playbook/placeholders.js';
import { countCases, type TestCase } from '../../src/results/model.js';
import { suiteResult as aSuiteResult } from '../builders/results.js';

function tc(name: string, status: TestCase['status'], durationMs: number | null = 5): TestCase {
  return { suite: 's', name, status, durationMs };
}

function suiteResult(cases: TestCase[], state: SuiteResult['state'] = 'completed'): SuiteResult {
  return aSuiteResult(`s${cases.length}`, cases, { command: [], state, verdict: 'pass' });
}

const gate = { afterTier: 1, minPassRate: 0.8 };

describe('evaluateGate', () => {
  it('fails below the bar, as in the seed (5/8 = 62.5% < 80%)', () => {
    const cases = [...Array(5)]
      .map((_, i) => tc(`p${i}`, 'passed'))
      .concat([...Array(3)].map((_, i) => tc(`f${i}`, 'failed')));
    const g = evaluateGate([suiteResult(cases)], gate);
    expect(g.verdict).toBe('fail');
    expect(g.passRate).toBe(0.625);
    expect(g.reason).toBe('pass rate 62.5% (5/8) is below 80.0%');
  });

  it('passes at the bar and ignores skipped tests', () => {
    const cases = [...Array(4)]
      .map((_, i) => tc(`p${i}`, 'passed'))
      .concat([tc('f', 'errored'), tc('s', 'skipped')]);
    expect(evaluateGate([suiteResult(cases)], gate).verdict).toBe('pass');
  });

  it('is inconclusive, never pass, when nothing executed', () => {
    expect(evaluateGate([suiteResult([tc('s', 'skipped')])], gate).verdict).toBe('inconclusive');
  });

  it('is inconclusive when a suite could not finish, unless already failing', () => {
    const ok = suiteResult([tc('a', 'passed')]);
    const hung = suiteResult([], 'timed_out');
    expect(evaluateGate([ok, hung], gate).verdict).toBe('inconclusive');
    const bad = suiteResult([tc('a', 'failed')]);
    expect(evaluateGate([bad, hung], gate).verdict).toBe('fail');
  });

  it('formats rates', () => {
    expect(percent(null)).toBe('n/a');
    expect(percent(1)).toBe('100.0%');
    expect(percent(2 / 3)).toBe('66.7%');
  });
});

describe('checkAuthenticity', () => {
  const report = (cases: TestCase[]) => ({ format: 'junit' as const, cases, notes: [] });
  const kinds = (f: { kind: string }[]) => f.map((x) => x.kind);

  it('flags zero tests executed', () => {
    expect(
      kinds(checkAuthenticity({ suite: 's', exitCode: 0, report: report([]), reportConfigured: true })),
    ).toContain('zero-tests');
  });
  it("flags all-zero durations (the seed's 0.00 s)", () => {
    const f = checkAuthenticity({
      suite: 's',
      exitCode: 0,
      report: report([tc('a', 'passed', 0), tc('b', 'passed', 0)]),
      reportConfigured: true,
    });
    expect(kinds(f)).toEqual(['zero-durations']);
    // The report times nothing for the run either: an error, the suite cannot read green.
    expect(f[0]!.severity).toBe('error');
  });
  it('flags exit codes that disagree with the report, both ways', () => {
    expect(
      kinds(
        checkAuthenticity({
          suite: 's',
          exitCode: 0,
          report: report([tc('a', 'failed')]),
          reportConfigured: true,
        }),
      ),
    ).toEqual(['exit-code-mismatch']);
    expect(
      kinds(
        checkAuthenticity({
          suite: 's',
          exitCode: 1,
          report: report([tc('a', 'passed')]),
          reportConfigured: true,
        }),
      ),
    ).toEqual(['exit-code-mismatch']);
  });
  it('flags missing, stale and unreadable reports, and declared counts that differ', () => {
    expect(
      kinds(
        checkAuthenticity({
          suite: 's',
          exitCode: 0,
          report: null,
          reportConfigured: true,
          reportProblem: 'missing',
        }),
      ),
    ).toEqual(['report-missing']);
    expect(
      kinds(
        checkAuthenticity({
          suite: 's',
          exitCode: 0,
          report: null,
          reportConfigured: true,
          reportProblem: 'stale',
        }),
      ),
    ).toEqual(['stale-report']);
    const declared = { ...report([tc('a', 'passed')]), declared: { tests: 3 } };
    expect(
      kinds(checkAuthenticity({ suite: 's', exitCode: 0, report: declared, reportConfigured: true })),
    ).toEqual(['count-mismatch']);
  });
  it('says nothing about an honest green report', () => {
    expect(
      checkAuthenticity({
        suite: 's',
        exitCode: 0,
        report: report([tc('a', 'passed')]),
        reportConfigured: true,
      }),
    ).toEqual([]);
  });
});

describe('mergeAttempts', () => {
  it('marks a test that failed then passed as flaky, not failed', () => {
    const merged = mergeAttempts([
      [tc('a', 'failed'), tc('b', 'failed')],
      [tc('a', 'passed'), tc('b', 'failed')],
    ]);
    expect(merged).toEqual([{ ...tc('a', 'passed'), flaky: true }, tc('b', 'failed')]);
    expect(countCases(merged)).toMatchObject({ passed: 1, failed: 1, flaky: 1 });
  });
  it('keeps a single attempt as it is', () => {
    expect(mergeAttempts([[tc('a', 'failed')]])).toEqual([tc('a', 'failed')]);
  });
});

describe('placeholders and output', () => {
  it('expands only {reportDir} and {runId}', () => {
    expect(
      expandAll(['--out={reportDir}/x.xml', '{runId}', '{other}', '{"json":1}'], {
        reportDir: '/r',
        runId: 'id',
      }),
    ).toEqual(['--out=/r/x.xml', 'id', '{other}', '{"json":1}']);
  });
  it('strips ANSI escapes from excerpts', () => {
    expect(stripAnsi('\u001b[31mred\u001b[0m plain')).toBe('red plain');
  });
});
