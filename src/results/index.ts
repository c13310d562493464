/**
 * Entry to the report parsers: detect the format, parse a file into the normalized model.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { relative } from 'node:path';
import { UsageError } from '../pipeline/errors.js';
import type { ReportFormat } from '../playbook/sections/suites.js';
import { parseJUnitFile } from './junit.js';
import type { ConcreteFormat, ParsedReport } from './model.js';

export class ReportError extends UsageError {
  constructor(file: string, message: string) {
    super('EREPORT', `${relative(process.cwd(), file) || file}: ${message}`);
  }
}

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Detects a report's format from its first bytes. */
export function detectFormat(path: string): ConcreteFormat {
  const start = head(path)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (start.startsWith('<')) return 'junit';
  throw new ReportError(path, 'cannot tell the report format from its content (expected JUnit XML)');
}

/** Parses a report file. Errors name the file and what was wrong. */
export async function parseReportFile(path: string, format: ReportFormat = 'auto'): Promise<ParsedReport> {
  let concrete: ConcreteFormat;
  try {
    concrete = format === 'auto' ? detectFormat(path) : format;
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    if (concrete === 'junit') return await parseJUnitFile(path);
  } catch (error) {
    throw new ReportError(path, `not a valid ${concrete} report: ${(error as Error).message.split('\n')[0]}`);
  }
  throw new ReportError(path, `format ${concrete} is not available in this version`);
}
