/**
 * Files the audit does not read, and why: what makes a tree safe to audit whatever it holds. Pure
 * decisions on bytes already read (at most `maxFileBytes + 1` of them: reading is bounded).
 */
import type { AuditLimits } from '../playbook/sections/audit.js';

/**
 * Why a listed file was not audited. `symlink`: never followed (a link may point out of the tree, to
 * a device or a FIFO; one inside the tree would double the findings). `not-a-file`: a FIFO, socket or
 * device where a file was listed. `unreadable`: gone since listing, or no access.
 */
export type SkipReason = 'symlink' | 'not-a-file' | 'unreadable' | 'too-large' | 'binary' | 'minified';

export interface SkippedFile {
  file: string;
  reason: SkipReason;
}

/** The skipped files of an audit: counts by reason, and the first `LISTED` of them by name. */
export interface SkippedFiles {
  count: number;
  byReason: Partial<Record<SkipReason, number>>;
  /** At most LISTED entries, in listing order. */
  files: SkippedFile[];
}

export const LISTED = 200;

export const DEFAULT_LIMITS: AuditLimits = {
  maxFileBytes: 1_000_000,
  skipBinary: true,
  skipMinified: true,
  relatedSites: 20,
  findingsPerFile: 200,
};

/** Git's own test for binary content: a NUL byte in the first 8,000 bytes. */
const BINARY_PROBE = 8000;
/** Minified: at least this many bytes... */
const MINIFIED_MIN_BYTES = 1024;
/** ...whose lines average more than this many bytes (hand-written code averages 30-40). */
const MINIFIED_LINE_BYTES = 250;

/** Whether `buf` reads as minified: counts newlines only until there are enough for it not to be. */
export function looksMinified(buf: Buffer): boolean {
  if (buf.length < MINIFIED_MIN_BYTES) return false;
  const enough = Math.floor(buf.length / MINIFIED_LINE_BYTES);
  let lines = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) if (++lines >= enough) return false;
  return true;
}

/**
 * Why the bytes of a file are not audited, or null. `buf` holds at most `maxFileBytes + 1` bytes (a
 * longer file was cut when read), so one byte more than the limit means too large.
 */
export function skipReasonOf(buf: Buffer, limits: AuditLimits): SkipReason | null {
  if (buf.length > limits.maxFileBytes) return 'too-large';
  if (limits.skipBinary && buf.subarray(0, BINARY_PROBE).indexOf(0) !== -1) return 'binary';
  if (limits.skipMinified && looksMinified(buf)) return 'minified';
  return null;
}

/** Collects skipped files: every one counted, the first LISTED named. */
export class SkipList {
  readonly result: SkippedFiles = { count: 0, byReason: {}, files: [] };
  /** Every skipped file (names only), so that scores count only files read. */
  readonly names = new Set<string>();

  add(file: string, reason: SkipReason): void {
    const r = this.result;
    this.names.add(file);
    r.count++;
    r.byReason[reason] = (r.byReason[reason] ?? 0) + 1;
    if (r.files.length < LISTED) r.files.push({ file, reason });
  }
}
