/**
 * The MCP resources' bound: a worklog or a run record is sent whole only up to MAX_RESOURCE_BYTES, and
 * never read whole beyond it (a loop's records can grow to many megabytes).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readHead } from '../core/files.js';
import type { Redactor } from '../telemetry/redact.js';

/**
 * A resource is sent whole only up to this size. A longer worklog is cut at a line end with a note;
 * a longer record is not parsed at all: a small JSON says so and points at the tools, which page.
 */
export const MAX_RESOURCE_BYTES = 256 * 1024;
/** Read past the cut so that redaction sees a secret that crosses it whole before the text is cut. */
const REDACTION_SLACK = 64 * 1024;

/** The size of a file over MAX_RESOURCE_BYTES, or null when it is within (or absent: the reader says so). */
export function oversized(file: string): number | null {
  try {
    const { size } = statSync(file);
    return size > MAX_RESOURCE_BYTES ? size : null;
  } catch {
    return null;
  }
}

/**
 * A worklog's markdown, redacted, and cut at the last line end within MAX_RESOURCE_BYTES when it is
 * longer, with a last line saying how much was left out. Never reads more than the bound and a slack.
 */
export function boundedWorklog(file: string, redactor: Redactor): string {
  const size = statSync(file).size;
  if (size <= MAX_RESOURCE_BYTES) return redactor.redact(readFileSync(file, 'utf8'));
  const text = redactor.redact(readHead(file, MAX_RESOURCE_BYTES + REDACTION_SLACK).toString('utf8'));
  let cut = Buffer.from(text, 'utf8').subarray(0, MAX_RESOURCE_BYTES).toString('utf8');
  // A multi-byte character cut in two decodes as U+FFFD: drop it, then end at a whole line.
  cut = cut.replace(/\uFFFD$/, '');
  const end = cut.lastIndexOf('\n');
  if (end > 0) cut = cut.slice(0, end + 1);
  return `${cut}\n… (cut at ${MAX_RESOURCE_BYTES / 1024} KiB of ${size} bytes: the whole worklog is ${basename(file)} in the worklog folder)\n`;
}
