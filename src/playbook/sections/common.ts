import * as z from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration string such as `90s`, `15m`, `1.5h`, `250ms`; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2]!] ?? 0));
}

/** A duration written as a string (`90s`, `15m`), parsed to milliseconds. */
export const duration = z
  .string()
  .regex(DURATION, { message: 'expected a duration like "90s", "15m" or "1h"' })
  .transform((s) => parseDuration(s)!)
  .meta({ description: 'A duration: a number followed by ms, s, m or h, e.g. "90s" or "15m".' });

/** The longest timeout a command may have: 24 h (Node's timers overflow past about 24.8 days). */
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** A command's timeout: a duration between 1 s and 24 h. */
export const timeout = z
  .string()
  .regex(DURATION, { message: 'expected a duration like "90s", "15m" or "1h"' })
  .transform((s) => parseDuration(s)!)
  .refine((ms) => ms >= 1000 && ms <= MAX_TIMEOUT_MS, {
    message: 'expected a timeout between 1s and 24h',
  })
  .meta({ description: 'A timeout between "1s" and "24h", e.g. "90s" or "15m".' });

const noNul = (what: string) =>
  z.string().refine((s) => !s.includes('\0'), { message: `${what} must not contain a NUL character` });

/** A command as an argv array; never passed through a shell unless the owner says `shell: true`. */
export const command = z
  .array(noNul('a command argument'))
  .min(1, { message: 'expected a command as a non-empty list, e.g. [npx, vitest, run]' })
  // An empty list is already reported by `min`; report the empty program only for a non-empty list.
  .refine((argv) => argv.length === 0 || argv[0]!.trim() !== '', {
    message: 'expected the program to run as the first item, got an empty string',
  })
  .meta({
    description: 'argv array: the program first, then its arguments. Placeholders: {reportDir}, {runId}.',
  });

export const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'expected lowercase letters, digits, ".", "_" or "-"' });
