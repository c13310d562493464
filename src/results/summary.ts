/** What `tdl results` prints: per-file and total counts of parsed reports (pure: data in, text out). */
import {
  addCounts,
  type Counts,
  countCases,
  executedCount,
  type ParsedReport,
  type TestCase,
} from './model.js';

export interface FileSummary {
  file: string;
  format: ParsedReport['format'];
  counts: Counts;
  declared?: ParsedReport['declared'];
  notes: string[];
}

export interface ResultsDocument {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  durationMs: number | null;
  files: Array<{
    file: string;
    format: string;
    total: number;
    passed: number;
    failed: number;
    errored: number;
    skipped: number;
    durationMs: number | null;
    declared?: ParsedReport['declared'];
    notes: string[];
  }>;
  cases: Array<TestCase & { report: string }>;
}

export function summarize(file: string, report: ParsedReport): FileSummary {
  return {
    file,
    format: report.format,
    counts: countCases(report.cases),
    ...(report.declared ? { declared: report.declared } : {}),
    notes: report.notes,
  };
}

/** A file tells us nothing green: no test executed, or the parser doubts its counts. */
export function cannotTell(s: FileSummary): string | null {
  if (s.notes.length) return s.notes.join('; ');
  if (executedCount(s.counts) === 0) return 'no test executed';
  return null;
}

/** 0 all read and green; 1 a failed or errored test, or a file that cannot tell. */
export function exitCodeOf(files: readonly FileSummary[]): 0 | 1 {
  return files.some((f) => f.counts.failed + f.counts.errored > 0 || cannotTell(f) !== null) ? 1 : 0;
}

export function resultsDocument(
  files: readonly { summary: FileSummary; cases: TestCase[] }[],
): ResultsDocument {
  const total = addCounts(...files.map((f) => f.summary.counts));
  return {
    total: total.total,
    passed: total.passed,
    failed: total.failed,
    errored: total.errored,
    skipped: total.skipped,
    durationMs: total.durationMs,
    files: files.map(({ summary: s }) => ({
      file: s.file,
      format: s.format,
      total: s.counts.total,
      passed: s.counts.passed,
      failed: s.counts.failed,
      errored: s.counts.errored,
      skipped: s.counts.skipped,
      durationMs: s.counts.durationMs,
      ...(s.declared ? { declared: s.declared } : {}),
      notes: s.notes,
    })),
    cases: files.flatMap(({ summary, cases }) => cases.map((c) => ({ ...c, report: summary.file }))),
  };
}

function seconds(ms: number | null): string {
  return ms === null ? 'no durations' : `${(ms / 1000).toFixed(2)} s`;
}

export function countsLine(c: Counts): string {
  return `${c.total} tests: ${c.passed} passed, ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped (${seconds(c.durationMs)})`;
}

const LISTED = 20;

/** Human lines for one file: its counts, its failing tests (at most 20), its doubts. */
export function fileLines(s: FileSummary, cases: readonly TestCase[]): string[] {
  const out = [`${s.file} (${s.format}): ${countsLine(s.counts)}`];
  const failing = cases.filter((c) => c.status === 'failed' || c.status === 'errored');
  for (const c of failing.slice(0, LISTED)) {
    const where = c.suite ? `${c.suite} > ${c.name}` : c.name;
    out.push(
      `  ${c.status === 'failed' ? '✗ failed ' : '! errored'} ${where}${c.message ? `: ${c.message}` : ''}`,
    );
  }
  if (failing.length > LISTED) out.push(`  … and ${failing.length - LISTED} more`);
  const declared = s.declared?.tests;
  if (declared !== undefined && declared !== s.counts.total) {
    out.push(`  warning: the report declares ${declared} test(s) but lists ${s.counts.total}`);
  }
  const doubt = cannotTell(s);
  if (doubt) out.push(`  cannot tell green: ${doubt}`);
  return out;
}
