import type { Command } from 'commander';
import type { TestCase } from '../../results/model.js';
import type { FileSummary } from '../../results/summary.js';

interface ResultsFlags {
  format: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('results')
    .description(
      'read test reports and print their counts (exit 0 all passed, 1 failures or unknown, 2 unreadable)',
    )
    .argument('<file...>', 'report files (JUnit XML, vitest/jest JSON, TAP, go test -json)')
    .option('--format <format>', 'auto | junit | vitest-json | jest-json | tap | go-json', 'auto')
    .option('--json', 'print { total, passed, failed, errored, skipped, durationMs, files, cases } as JSON')
    .action(async (files: string[], flags: ResultsFlags) => {
      process.exitCode = await runResults(files, flags.format, Boolean(flags.json));
    });
}

/**
 * Parses every file (exit code 0 all passed, 1 a failure or a file that cannot tell green).
 * Unreadable files throw one UsageError naming each (exit 2), with no counts: a partial total would
 * mislead. Parsers are loaded here, not at start, so `tdl --version` stays light. `tdl mcp` calls it too.
 */
export async function readResults(
  files: readonly string[],
  formatFlag: string,
): Promise<{ read: { summary: FileSummary; cases: TestCase[] }[]; exitCode: 0 | 1 }> {
  const { UsageError } = await import('../../core/errors.js');
  const { REPORT_FORMATS } = await import('../../playbook/sections/suites.js');
  const { parseReportFile } = await import('../../results/index.js');
  const summary = await import('../../results/summary.js');

  if (!(REPORT_FORMATS as readonly string[]).includes(formatFlag)) {
    throw new UsageError(
      'EFORMAT',
      `--format is set as "${formatFlag}"; valid values are ${REPORT_FORMATS.join(', ')}`,
    );
  }
  const format = formatFlag as (typeof REPORT_FORMATS)[number];
  const read: { summary: FileSummary; cases: TestCase[] }[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const report = await parseReportFile(file, format);
      read.push({ summary: summary.summarize(file, report), cases: report.cases });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length) throw new UsageError('EREPORT', problems.join('\n'));
  return { read, exitCode: summary.exitCodeOf(read.map((r) => r.summary)) };
}

/** Prints the counts of every file and returns the exit code. */
async function runResults(files: string[], formatFlag: string, json: boolean): Promise<number> {
  const { read, exitCode } = await readResults(files, formatFlag);
  const { addCounts } = await import('../../results/model.js');
  const summary = await import('../../results/summary.js');
  const { Redactor } = await import('../../telemetry/redact.js');
  const redactor = new Redactor();
  if (json) {
    const { outboundJson } = await import('../../telemetry/outlet.js');
    process.stdout.write(
      `${outboundJson(summary.resultsDocument(read), redactor, 'the --json document', 0)}\n`,
    );
  } else {
    const lines = read.flatMap((r) => summary.fileLines(r.summary, r.cases));
    if (read.length > 1) {
      const total = addCounts(...read.map((r) => r.summary.counts));
      lines.push(`total, ${read.length} files: ${summary.countsLine(total)}`);
    }
    const { printHuman } = await import('../../telemetry/outlet.js');
    printHuman(lines.join('\n'), redactor, process.stdout);
  }
  return exitCode;
}
