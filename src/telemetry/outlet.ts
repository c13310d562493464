/**
 * Where text leaves the process. Structured values are redacted value by value before they are
 * serialized (see redact.ts); every text is then scanned once more, and what still holds a secret
 * shape is withheld, with a line on stderr saying so, instead of written. Files are replaced
 * atomically (temp file + rename), so a reader never sees a torn worklog or run record.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Redactor } from './redact.js';

let counter = 0;

/** Says on stderr that an output was withheld (never what it held). */
function reportWithheld(what: string, kind: string): void {
  try {
    process.stderr.write(
      `tdl: withheld ${what}: after redaction it still contained a ${kind} (please report this)\n`,
    );
  } catch {
    // stderr is gone: nothing more to say.
  }
}

/**
 * The text that may leave, or null when it must be withheld: redacted, then scanned. `what` names
 * the output in the line that says it was withheld.
 */
export function outbound(text: string, redactor: Redactor, what: string): string | null {
  const safe = redactor.redact(text);
  const hit = redactor.scan(safe);
  if (!hit) return safe;
  reportWithheld(what, hit.kind);
  return null;
}

/** A JSON document of `value`, redacted value by value; a document that still fails the scan is replaced. */
export function outboundJson(value: unknown, redactor: Redactor, what: string, indent = 2): string {
  const text = JSON.stringify(redactor.redactDeep(value), null, indent);
  const hit = redactor.scan(text);
  if (!hit) return text;
  reportWithheld(what, hit.kind);
  return JSON.stringify({ withheld: true, reason: `still contained a ${hit.kind} after redaction` });
}

function writeRaw(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  counter += 1;
  const tmp = join(dirname(path), `.${process.pid}.${counter}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes `text` (redacted, scanned) to `path` atomically, creating parent folders. */
export function writeFileAtomic(path: string, text: string, redactor: Redactor): void {
  const safe = outbound(text, redactor, path);
  writeRaw(
    path,
    safe ??
      'tdl withheld this file: after redaction it still contained a secret shape (please report this).\n',
  );
}

export function writeJsonAtomic(path: string, value: unknown, redactor: Redactor): void {
  writeRaw(path, `${outboundJson(value, redactor, path)}\n`);
}

/** The one JSON document that `--json` puts on stdout. */
export function printJson(value: unknown, redactor: Redactor): void {
  process.stdout.write(`${outboundJson(value, redactor, 'the --json document')}\n`);
}

/** A human line on stderr (progress, summaries). */
export function printHuman(
  text: string,
  redactor: Redactor,
  stream: NodeJS.WritableStream = process.stderr,
): void {
  const safe = outbound(text, redactor, 'a line of output');
  if (safe !== null) stream.write(`${safe}\n`);
}
