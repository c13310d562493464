/**
 * The one normalized test result model. Every report parser produces TestCase values; everything
 * downstream (gates, authenticity, clustering, worklogs) reads only these.
 */

export const TEST_STATUSES = ['passed', 'failed', 'errored', 'skipped'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export interface TestCase {
  /** The report's own grouping: JUnit classname/testsuite, vitest file, go package. */
  suite: string;
  name: string;
  file?: string;
  status: TestStatus;
  /** null when the report does not say; 0 only when it says 0. */
  durationMs: number | null;
  message?: string;
  stack?: string;
  /**
   * The test's own W3C `traceparent` when its report names one (a JUnit `traceparent` property or a
   * `traceparent: 00-…` line in its output, vitest's `meta.traceparent`): phase 3 ties the service's
   * log entries carrying that span to this test. Lower-cased header value.
   */
  traceparent?: string;
  /** Set by phase 2 when a test failed in an earlier attempt and passed in a later one. */
  flaky?: boolean;
}

/** Concrete formats a parser understands (`auto` is resolved before parsing). */
export type ConcreteFormat = 'junit' | 'vitest-json' | 'jest-json' | 'tap' | 'go-json';

export interface ParsedReport {
  format: ConcreteFormat;
  cases: TestCase[];
  /** Counts the file itself declares (JUnit `tests=` etc.), to compare with what was found. */
  declared?: { tests?: number; failures?: number; errors?: number; skipped?: number };
  /** Things the parser noticed that make the counts doubtful (a suite that failed to load, ...). */
  notes: string[];
  /**
   * How long the whole run took as the report itself measured it (JUnit suite `time`, go's package
   * `Elapsed`, TAP's `# duration_ms`), apart from the per-test durations; absent when the report
   * does not say. Authenticity uses it to tell fast tests from tests nobody timed.
   */
  measuredMs?: number;
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  flaky: number;
  /** Sum of known durations; null when no case had one. */
  durationMs: number | null;
}

/** Counts of a list of cases. The only place counts are computed. */
export function countCases(cases: readonly TestCase[]): Counts {
  const counts: Counts = {
    total: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    flaky: 0,
    durationMs: null,
  };
  for (const c of cases) {
    counts.total += 1;
    counts[c.status] += 1;
    if (c.flaky) counts.flaky += 1;
    if (c.durationMs !== null) counts.durationMs = (counts.durationMs ?? 0) + c.durationMs;
  }
  return counts;
}

/** Tests that ran to an outcome (not skipped). */
export function executedCount(counts: Counts): number {
  return counts.passed + counts.failed + counts.errored;
}

/** Share of executed tests that passed, or null when nothing executed (unknown, never 100%). */
export function passRate(counts: Counts): number | null {
  const executed = executedCount(counts);
  return executed === 0 ? null : counts.passed / executed;
}

/** Adds counts together. */
export function addCounts(...all: Counts[]): Counts {
  const out: Counts = { total: 0, passed: 0, failed: 0, errored: 0, skipped: 0, flaky: 0, durationMs: null };
  for (const c of all) {
    out.total += c.total;
    out.passed += c.passed;
    out.failed += c.failed;
    out.errored += c.errored;
    out.skipped += c.skipped;
    out.flaky += c.flaky;
    if (c.durationMs !== null) out.durationMs = (out.durationMs ?? 0) + c.durationMs;
  }
  return out;
}
