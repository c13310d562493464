/** Small text helpers shared by the report parsers (messages, escapes, durations). */
import { cutText } from '../telemetry/redact.js';

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b/g;

/** The same sequences written out as text (`\x1B[31m` in node:test TAP, `#x1B[31m` in pytest). */
const ANSI_AS_TEXT = /(?:\\x1[bB]|\\u001[bB]|#x1[bB])\[[0-9;]*m/g;
/** What is left when a runner removed only the ESC byte (vitest JUnit: `[31mred[0m`). */
const ORPHAN_SGR = /\[\d{1,3}(?:;\d{1,3})*m/g;

/** Removes ANSI colour and cursor sequences (runners print them into messages), raw or written out as text. */
export function stripAnsi(text: string): string {
  const raw = text.includes('\u001b') ? text.replace(ANSI, '') : text;
  return raw.replace(ANSI_AS_TEXT, '');
}

/** The first non-empty line of a text, without ANSI escapes, at most `max` characters. */
export function firstLine(text: string, max = 500): string {
  const clean = stripAnsi(text).replace(ORPHAN_SGR, '');
  for (const line of clean.split('\n')) {
    const t = line.trim();
    if (t) return t.length > max ? `${cutText(t, max - 1)}…` : t;
  }
  return '';
}

/** Seconds as text (JUnit `time`) to whole milliseconds; null when absent or not a number. */
export function secondsToMs(value: string | number | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  const n =
    typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value.replace(/,/g, ''));
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : null;
}

/** Milliseconds (possibly fractional) to whole milliseconds; null when absent or not a number. */
export function wholeMs(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

/** Keeps at most `max` characters of a growing text (the start, where the error is). */
export function bounded(text: string, add: string, max: number): string {
  if (text.length >= max) return text;
  const out = text + add;
  return out.length > max ? `${cutText(out, max)}\n[… cut at ${max} characters]` : out;
}

/** The last non-empty line of a process's output, bounded: what it said before it stopped. */
export function lastOutputLine(output: string): string {
  const line =
    output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
