/**
 * Entry to the report parsers: detect the format from the content, parse a file into the normalized model.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { UsageError } from '../core/errors.js';
import { readHead } from '../core/files.js';
import type { ReportFormat } from '../playbook/sections/suites.js';
import { cutText } from '../telemetry/redact.js';
import { parseGoJsonFile } from './go-json.js';
import { parseJestLikeJson } from './jest-json.js';
import type { ConcreteFormat, ParsedReport } from './model.js';
import { parseTapFile } from './tap.js';

export class ReportError extends UsageError {
  constructor(file: string, message: string) {
    const rel = relative(process.cwd(), file);
    super('EREPORT', `${rel && !rel.startsWith('..') ? rel : file}: ${message}`);
  }
}

/** JSON reports are read whole; beyond this size they are refused rather than exhausting memory (< 1 GB). */
const MAX_JSON_BYTES = 128 * 1024 * 1024;
/** What a test may carry in each text (name, group, file, message, stack): 64 KiB, in every format. */
export const MAX_TEST_TEXT = 64 * 1024;

function boundText(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_TEST_TEXT) return text;
  return `${cutText(text, MAX_TEST_TEXT)}\n[… cut at ${MAX_TEST_TEXT} characters]`;
}

/** Every test's texts bounded, whatever the format and the parser did. */
export function boundReport(report: ParsedReport): ParsedReport {
  const fields = ['suite', 'name', 'file', 'message', 'stack'] as const;
  for (const c of report.cases) {
    const rec = c as unknown as Record<string, unknown>;
    for (const f of fields) if (typeof rec[f] === 'string') rec[f] = boundText(rec[f] as string);
  }
  return report;
}
const HEAD_BYTES = 64 * 1024;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
};

function cannotRead(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code
    ? `cannot read: ${code}${READ_ERRORS[code] ? `, ${READ_ERRORS[code]}` : ''}`
    : `cannot read: ${String(error)}`;
}

const FORMAT_HELP = 'expected JUnit XML, vitest/jest JSON, TAP or go test -json';

/** Detects a report's format from its first bytes (never from its name). Throws an Error saying why not. */
export function detectFormatOf(bytes: Buffer): ConcreteFormat {
  if (bytes.length === 0) throw new Error('the file is empty');
  // Binary content (NUL bytes) is no report of any kind.
  if (bytes.subarray(0, 8192).includes(0))
    throw new Error(`binary content, not a test report (${FORMAT_HELP})`);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('<')) return 'junit';
  const lines = start.split('\n', 200).map((l) => l.trim());
  if (lines.some((l) => l.startsWith('{') && /"Action"\s*:/.test(l))) return 'go-json';
  if (start.startsWith('{') || start.startsWith('[')) {
    if (/"testResults"\s*:/.test(text) || /"numTotalTests"\s*:/.test(text)) {
      return /"numRuntimeErrorTestSuites"\s*:|"wasInterrupted"\s*:/.test(text) ? 'jest-json' : 'vitest-json';
    }
    // A large report may put "testResults" past the first bytes; the parser decides.
    if (start.startsWith('{"num') || start.startsWith('{\n  "num')) return 'vitest-json';
    throw new Error(`JSON, but not a vitest/jest report (no "testResults") nor go test -json (no "Action")`);
  }
  if (lines.some((l) => /^TAP version \d+/i.test(l) || /^1\.\.\d+/.test(l) || /^(not )?ok\b/.test(l)))
    return 'tap';
  if (lines.some((l) => /^FAIL\s+\S+\s+\[(build|setup) failed\]/.test(l))) return 'go-json';
  if (lines.some((l) => /^# Subtest:/.test(l))) return 'tap';
  throw new Error(`cannot tell the report format from its content (${FORMAT_HELP})`);
}

/** Detects a report file's format from its content. */
export function detectFormat(path: string): ConcreteFormat {
  try {
    return detectFormatOf(readHead(path, HEAD_BYTES));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw error;
    throw new ReportError(path, (error as Error).message);
  }
}

async function parseAs(path: string, format: ConcreteFormat): Promise<ParsedReport> {
  switch (format) {
    case 'junit':
      // Loaded when needed: saxes is not worth a run's start-up when no suite writes JUnit.
      return (await import('./junit.js')).parseJUnitFile(path);
    case 'tap':
      return parseTapFile(path);
    case 'go-json':
      return parseGoJsonFile(path);
    case 'vitest-json':
    case 'jest-json': {
      const size = statSync(path).size;
      if (size > MAX_JSON_BYTES)
        throw new Error(`${size} bytes is more than the ${MAX_JSON_BYTES} a JSON report may have`);
      const report = parseJestLikeJson(readFileSync(path, 'utf8'));
      // The two formats share one shape; a report asked for as one is named as asked.
      return { ...report, format };
    }
  }
}

/** Parses a report file. Errors are ReportErrors: one line naming the file and what was wrong (exit 2). */
export async function parseReportFile(path: string, format: ReportFormat = 'auto'): Promise<ParsedReport> {
  let concrete: ConcreteFormat;
  try {
    concrete = format === 'auto' ? detectFormat(path) : format;
    if (format !== 'auto' && statSync(path).size === 0) throw new ReportError(path, 'the file is empty');
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(path, cannotRead(error));
  }
  try {
    return boundReport(await parseAs(path, concrete));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && !code.startsWith('ERR_')) throw new ReportError(path, cannotRead(error));
    throw new ReportError(path, `not a valid ${concrete} report: ${(error as Error).message.split('\n')[0]}`);
  }
}
