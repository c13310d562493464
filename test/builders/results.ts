/**
 * Test-data builders for phase 2's results: a test case, an attempt, a suite's result and the phase's
 * data. Counts, verdicts and pass rates are derived from the cases, as the phase derives them, so a
 * test names only the cases and what it is about.
 */
import type { AttemptResult, RunTestsData, SuiteResult, TierResult } from '../../src/phase-data/run-tests.js';
import { addCounts, countCases, passRate, type TestCase } from '../../src/results/model.js';

export const STARTED_AT = '2026-01-01T12:00:00.000Z';

/** A test case, passed in 1 ms unless told otherwise. */
export function testCase(
  name: string,
  status: TestCase['status'] = 'passed',
  overrides: Partial<TestCase> = {},
): TestCase {
  return { suite: 's', name, status, durationMs: 1, ...overrides };
}

/** One attempt of a suite: exit 0 after 1 ms, no report counts. */
export function attempt(n = 1, overrides: Partial<AttemptResult> = {}): AttemptResult {
  return {
    attempt: n,
    startedAt: STARTED_AT,
    durationMs: 1,
    exitCode: 0,
    signal: null,
    timedOut: false,
    counts: null,
    ...overrides,
  };
}

/**
 * A suite's result over `cases`: tier 1, completed, counts from the cases, verdict `fail` when one
 * failed or errored (else `pass`), no attempts, report, log or output.
 */
export function suiteResult(
  id: string,
  cases: TestCase[] = [],
  overrides: Partial<SuiteResult> = {},
): SuiteResult {
  const counts = countCases(cases);
  return {
    id,
    tier: 1,
    categories: [],
    command: ['x'],
    state: 'completed',
    verdict: counts.failed + counts.errored ? 'fail' : 'pass',
    attempts: [],
    durationMs: 1,
    counts,
    cases,
    report: null,
    logFile: null,
    outputTail: '',
    outputBytes: 0,
    findings: [],
    ...overrides,
  };
}

/** A tier's result over the suites given: completed, counts and pass rate from their cases, no gate. */
export function tierResult(
  tier: number,
  suites: SuiteResult[],
  overrides: Partial<TierResult> = {},
): TierResult {
  const counts = addCounts(...suites.map((s) => s.counts));
  return {
    tier,
    state: 'completed',
    suites: suites.map((s) => s.id),
    counts,
    passRate: passRate(counts),
    gate: null,
    ...overrides,
  };
}

/** Phase 2's data over the suites given: counts and pass rate from their cases, no tiers, no NO-GO. */
export function runTestsData(suites: SuiteResult[], overrides: Partial<RunTestsData> = {}): RunTestsData {
  const counts = addCounts(...suites.map((s) => s.counts));
  return { tiers: [], suites, counts, passRate: passRate(counts), noGo: null, ...overrides };
}
