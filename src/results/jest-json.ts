/**
 * vitest and jest JSON reports (`vitest --reporter=json`, `jest --json`): the same shape, read by one
 * function. A test file that failed to load has no assertion results, only a failed status and a
 * message; it becomes one `errored` entry so it can never read as green.
 */
import { findTraceparent } from '../core/ids.js';
import type { ConcreteFormat, ParsedReport, TestCase, TestStatus } from './model.js';
import { firstLine, wholeMs } from './text.js';

interface AssertionResult {
  ancestorTitles?: unknown;
  title?: unknown;
  fullName?: unknown;
  status?: unknown;
  duration?: unknown;
  failureMessages?: unknown;
  meta?: unknown;
}

interface FileResult {
  name?: unknown;
  status?: unknown;
  message?: unknown;
  failureMessage?: unknown;
  testExecError?: { message?: unknown } | null;
  assertionResults?: unknown;
  startTime?: unknown;
  endTime?: unknown;
}

const STATUS: Record<string, TestStatus> = {
  passed: 'passed',
  focused: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  pending: 'skipped',
  todo: 'skipped',
  disabled: 'skipped',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parses the text of a vitest/jest JSON report. Throws when it is not one. */
export function parseJestLikeJson(text: string): ParsedReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { testResults?: unknown }).testResults)) {
    throw new Error('not a vitest/jest JSON report: no "testResults" array');
  }
  const d = doc as Record<string, unknown> & { testResults: unknown[] };
  const format: ConcreteFormat =
    'numRuntimeErrorTestSuites' in d || 'wasInterrupted' in d ? 'jest-json' : 'vitest-json';
  const cases: TestCase[] = [];
  const notes: string[] = [];
  let loadFailures = 0;
  // Each file's own start and end (epoch ms): the run as the runner timed it spans them all.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const raw of d.testResults) {
    if (!raw || typeof raw !== 'object') throw new Error('a "testResults" entry is not an object');
    const file = raw as FileResult;
    const start = num(file.startTime);
    const end = num(file.endTime);
    if (start !== undefined && end !== undefined && end >= start) {
      first = Math.min(first, start);
      last = Math.max(last, end);
    }
    const path = str(file.name);
    const assertions = Array.isArray(file.assertionResults)
      ? (file.assertionResults as AssertionResult[])
      : [];
    let failedHere = 0;
    for (const a of assertions) {
      const statusText = str(a.status);
      const status = STATUS[statusText];
      if (!status) throw new Error(`unknown test status "${statusText}" in ${path || 'a test file'}`);
      const titles = Array.isArray(a.ancestorTitles) ? a.ancestorTitles.map(str) : [];
      const tc: TestCase = {
        suite: path,
        name: [...titles, str(a.title) || str(a.fullName)].filter(Boolean).join(' > '),
        status,
        durationMs: wholeMs(a.duration),
      };
      if (path) tc.file = path;
      // vitest's JSON reporter writes the test's `task.meta`; a test that set `meta.traceparent`
      // to the header it sent names its own span.
      const meta = a.meta && typeof a.meta === 'object' ? (a.meta as Record<string, unknown>) : null;
      const own = findTraceparent(typeof meta?.traceparent === 'string' ? meta.traceparent : null);
      if (own) tc.traceparent = own.traceparent;
      if (status === 'failed') {
        failedHere += 1;
        const messages = Array.isArray(a.failureMessages) ? a.failureMessages.map(str).filter(Boolean) : [];
        if (messages.length) {
          tc.stack = messages.join('\n\n');
          tc.message = firstLine(tc.stack);
        }
      }
      cases.push(tc);
    }
    const execError = str(file.testExecError?.message);
    if (str(file.status) === 'failed' && failedHere === 0) {
      // The file failed without a failing test: it did not load, or a hook or unhandled error broke it.
      loadFailures += 1;
      // jest opens the message with a header; the cause ("Cannot find module …") is the line after it.
      const text = (execError || str(file.message) || str(file.failureMessage)).replace(
        /^\s*● Test suite failed to run\s*/,
        '',
      );
      const tc: TestCase = {
        suite: path,
        name: path || '(test file)',
        status: 'errored',
        durationMs: null,
        message: firstLine(text) || 'the test file failed without a failing test',
      };
      if (path) tc.file = path;
      if (text) tc.stack = text;
      cases.push(tc);
    }
  }
  const failing = cases.filter((c) => c.status === 'failed' || c.status === 'errored').length;
  if (d.success === false && d.testResults.length === 0) {
    notes.push(
      'no test files found: the runner ran no test file (check its include patterns and the folder it ran in)',
    );
  } else if (d.success === false && failing === 0) {
    notes.push(
      'the runner reported success: false although no test failed (an unhandled error or snapshot problem)',
    );
  }
  const failedFiles = num(d.numFailedTestSuites) ?? 0;
  if (failedFiles > 0 && failing === 0) {
    notes.push(`the report says ${failedFiles} test suite(s) failed but lists no failing test`);
  }
  const runtimeErrors = num(d.numRuntimeErrorTestSuites) ?? 0;
  if (runtimeErrors > loadFailures) {
    notes.push(`the report says ${runtimeErrors} test suite(s) failed to run but lists ${loadFailures}`);
  }
  const total = num(d.numTotalTests);
  const declared: NonNullable<ParsedReport['declared']> = {};
  // Our own entries for files that failed to load are added to the runner's test count.
  if (total !== undefined) declared.tests = total + loadFailures;
  const failed = num(d.numFailedTests);
  if (failed !== undefined) declared.failures = failed;
  const pending = num(d.numPendingTests);
  if (pending !== undefined) declared.skipped = pending + (num(d.numTodoTests) ?? 0);
  const measured = last >= first ? wholeMs(last - first) : null;
  return {
    format,
    cases,
    ...(Object.keys(declared).length ? { declared } : {}),
    notes,
    ...(measured !== null ? { measuredMs: measured } : {}),
  };
}
