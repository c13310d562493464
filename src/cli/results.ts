/** `tdl results`: parse report files and print their counts. */
import { UsageError } from '../pipeline/errors.js';
import { REPORT_FORMATS, type ReportFormat } from '../playbook/sections/suites.js';
import { parseReportFile } from '../results/index.js';
import type { TestCase } from '../results/model.js';
import { addCounts } from '../results/model.js';
import {
  countsLine,
  exitCodeOf,
  type FileSummary,
  fileLines,
  resultsDocument,
  summarize,
} from '../results/summary.js';
import { Redactor } from '../telemetry/redact.js';

function parseFormat(value: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(
      'EFORMAT',
      `--format is set as "${value}"; valid values are ${REPORT_FORMATS.join(', ')}`,
    );
  }
  return value as ReportFormat;
}

/** Returns the exit code: 0 all passed, 1 a failure or a file that cannot tell; throws (exit 2) when a file is unreadable. */
export async function runResults(files: string[], formatFlag: string, json: boolean): Promise<number> {
  const format = parseFormat(formatFlag);
  const read: { summary: FileSummary; cases: TestCase[] }[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const report = await parseReportFile(file, format);
      read.push({ summary: summarize(file, report), cases: report.cases });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  // Every unreadable file is named, one line each, and nothing is counted: a partial total would mislead.
  if (problems.length) throw new UsageError('EREPORT', problems.join('\n'));
  const redactor = new Redactor();
  if (json) {
    process.stdout.write(`${JSON.stringify(redactor.redactDeep(resultsDocument(read)))}\n`);
  } else {
    const lines = read.flatMap((r) => fileLines(r.summary, r.cases));
    if (read.length > 1) {
      lines.push(
        `total, ${read.length} files: ${countsLine(addCounts(...read.map((r) => r.summary.counts)))}`,
      );
    }
    process.stdout.write(`${redactor.redact(lines.join('\n'))}\n`);
  }
  return exitCodeOf(read.map((r) => r.summary));
}
