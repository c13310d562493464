/**
 * Scanning many files: read here or by reader threads, scanned here. Only non-empty scans come back.
 */
import { closeSync, readSync } from 'node:fs';
import { consumeBatches, openForAudit, type ReadJob } from './read-pipe.js';
import type { CompiledAudit } from './rules.js';
import { scanFile } from './scan.js';
import { type SkipList, type SkipReason, skipReasonOf } from './skip.js';
import type { FileScan } from './types.js';

let shared = Buffer.allocUnsafe(1 << 20);

/**
 * The first `max` bytes of a file in a buffer reused from file to file (no stat, no allocation per
 * file); valid until the next call. Reading stops at `max` bytes, so no file (a 20 MB bundle, a
 * FIFO, a device) costs more memory than that. A string says why it cannot be read.
 */
function readReused(path: string, max: number): Buffer | SkipReason {
  const fd = openForAudit(path);
  if (typeof fd !== 'number') return fd;
  try {
    let len = 0;
    for (;;) {
      if (len === shared.length) {
        const bigger = Buffer.allocUnsafe(Math.min(shared.length * 2, Math.max(max, shared.length + 1)));
        shared.copy(bigger, 0, 0, len);
        shared = bigger;
      }
      const want = Math.min(shared.length, max) - len;
      const r = readSync(fd, shared, len, want, null);
      len += r;
      // A file (git lists files, the walk keeps files) reads short only at its end, so one read per
      // file is enough: the extra read of 0 bytes cost 50,000 syscalls on the bench tree.
      if (r < want || len >= max) break;
    }
    return shared.subarray(0, len);
  } catch (e) {
    // EISDIR (a folder where a file was listed); EAGAIN (a FIFO with no data).
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EISDIR' || code === 'EAGAIN' ? 'not-a-file' : 'unreadable';
  } finally {
    closeSync(fd);
  }
}

/** Scans bytes already in memory (the base side of `--base`); skips what the tree scan skips. */
export function scanBuffers(
  c: CompiledAudit,
  files: readonly [string, string[]][],
  contents: ReadonlyMap<string, Buffer>,
): FileScan[] {
  const out: FileScan[] = [];
  for (const [file, scopes] of files) {
    const buf = contents.get(file);
    if (!buf || skipReasonOf(buf, c.limits)) continue;
    const s = scanFile(c, file, buf, scopes);
    if (s && (s.defs.length || s.hits.length)) out.push(s);
  }
  return out;
}

/**
 * Scans, in order, those of `names` (relative to `root`) that have scopes (`scopes[k]` null: not
 * audited). `job`: reader threads are reading exactly `names` (readers.ts, readAhead); null: they are
 * read in this thread.
 */
export function scanTree(
  c: CompiledAudit,
  root: string,
  names: readonly string[],
  scopes: readonly (string[] | null)[],
  job: ReadJob | null,
  skipped: SkipList,
): FileScan[] {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const out: FileScan[] = [];
  // One byte more than the limit tells a file over it.
  const max = c.limits.maxFileBytes + 1;
  const readHere = (k: number): Buffer | SkipReason =>
    scopes[k] ? readReused(prefix + names[k], max) : Buffer.alloc(0);
  const skip = (k: number, reason: SkipReason) => {
    if (scopes[k]) skipped.add(names[k]!, reason);
  };
  const scan = (k: number, buf: Buffer) => {
    if (!scopes[k]) return;
    const why = skipReasonOf(buf, c.limits);
    if (why) return skipped.add(names[k]!, why);
    const s = scanFile(c, names[k]!, buf, scopes[k]!);
    if (s && (s.defs.length || s.hits.length)) out.push(s);
  };
  if (job) consumeBatches(job, names.length, readHere, scan, skip);
  else
    for (let k = 0; k < names.length; k++) {
      if (!scopes[k]) continue;
      const buf = readHere(k);
      if (typeof buf === 'string') skip(k, buf);
      else scan(k, buf);
    }
  return out;
}
