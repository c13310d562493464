/** The one place where errors become messages and exit codes. */
import { EXIT, TdlError } from '../core/errors.js';

export function reportError(error: unknown, stream: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof TdlError) {
    stream.write(`tdl: ${error.message}\n`);
    if (error.hint) stream.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  stream.write(
    `tdl: internal error: ${e.message}\n${e.stack ?? ''}\nThis is a bug in tdl; please report it with the stack above.\n`,
  );
  return EXIT.infrastructure;
}
