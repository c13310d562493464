/** Pure checks that a suite's result reflects tests that really ran (the seed's "0.00 s" problem). */
import type { Finding } from '../../core/record.js';
import type { ParsedReport } from '../../results/model.js';
import { countCases, executedCount } from '../../results/model.js';

export interface AuthenticityInput {
  suite: string;
  exitCode: number | null;
  report: ParsedReport | null;
  reportConfigured: boolean;
  reportProblem?: 'missing' | 'stale' | 'unreadable';
  reportProblemDetail?: string;
}

export function checkAuthenticity(input: AuthenticityInput): Finding[] {
  const { suite } = input;
  const out: Finding[] = [];
  const add = (kind: string, severity: Finding['severity'], message: string) =>
    out.push({ kind, severity, message, subject: suite });
  if (!input.reportConfigured) {
    add('no-report', 'warning', 'no report configured: test counts are unknown; judged by exit code alone');
    return out;
  }
  if (input.reportProblem === 'missing') {
    add(
      'report-missing',
      'error',
      `report file not found after the run${input.reportProblemDetail ? `: ${input.reportProblemDetail}` : ''}`,
    );
  } else if (input.reportProblem === 'stale') {
    add(
      'stale-report',
      'error',
      `report file is older than this run: ${input.reportProblemDetail ?? ''}`.trim(),
    );
  } else if (input.reportProblem === 'unreadable') {
    add('report-unreadable', 'error', input.reportProblemDetail ?? 'report could not be read');
  }
  const report = input.report;
  if (!report) return out;
  const counts = countCases(report.cases);
  const executed = executedCount(counts);
  if (executed === 0) add('zero-tests', 'error', `report lists ${counts.total} test(s), none executed`);
  const timed = report.cases.filter((c) => c.status !== 'skipped');
  if (executed > 0 && timed.every((c) => c.durationMs === 0)) {
    // Runners round each test's time (pytest and jest to 1 ms, go to 10 ms): fast tests honestly read 0.
    // What separates them from the seed's "0.00 s" is whether the runner timed the run at all.
    const measured = report.measuredMs;
    if (measured !== undefined && measured > 0) {
      add(
        'zero-durations',
        'warning',
        `all ${executed} executed tests report 0 ms (below the report's per-test resolution), but the report times the run at ${measured} ms: fast tests, not untimed ones`,
      );
    } else {
      add(
        'zero-durations',
        'error',
        `all ${executed} executed tests report a duration of 0 and the report ${measured === undefined ? 'gives no time for the run' : 'times the whole run at 0'}: nothing was measured`,
      );
    }
  } else if (executed > 0 && timed.every((c) => c.durationMs === null)) {
    add('no-durations', 'warning', 'the report gives no test durations');
  }
  const failing = counts.failed + counts.errored;
  if (input.exitCode === 0 && failing > 0) {
    add('exit-code-mismatch', 'error', `runner exited 0 but the report has ${failing} failing test(s)`);
  } else if (input.exitCode !== null && input.exitCode !== 0 && failing === 0 && executed > 0) {
    add('exit-code-mismatch', 'error', `runner exited ${input.exitCode} but the report has no failing test`);
  }
  const declared = report.declared?.tests;
  if (declared !== undefined && Number.isFinite(declared) && declared !== counts.total) {
    add('count-mismatch', 'warning', `report declares ${declared} test(s) but lists ${counts.total}`);
  }
  // A parser's note means the counts cannot be trusted (a file that failed to load, a cut-off output): never green.
  for (const note of report.notes) add('report-note', 'error', note);
  return out;
}
