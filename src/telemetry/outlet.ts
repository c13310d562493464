/**
 * Where text leaves the process. Files written here are redacted and replaced atomically
 * (temp file + rename), so a reader never sees a torn worklog or run record.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Redactor } from './redact.js';

let counter = 0;

/** Writes `text` (redacted) to `path` atomically, creating parent folders. */
export function writeFileAtomic(path: string, text: string, redactor: Redactor): void {
  mkdirSync(dirname(path), { recursive: true });
  counter += 1;
  const tmp = join(dirname(path), `.${process.pid}.${counter}.tmp`);
  writeFileSync(tmp, redactor.redact(text));
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown, redactor: Redactor): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, redactor);
}

/** The one JSON document that `--json` puts on stdout. */
export function printJson(value: unknown, redactor: Redactor): void {
  process.stdout.write(`${redactor.redact(JSON.stringify(value, null, 2))}\n`);
}

/** A human line on stderr (progress, summaries). */
export function printHuman(
  text: string,
  redactor: Redactor,
  stream: NodeJS.WritableStream = process.stderr,
): void {
  stream.write(`${redactor.redact(text)}\n`);
}
