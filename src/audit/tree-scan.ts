/**
 * Scanning many files: read here or by reader threads, scanned here. Only non-empty scans come back.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { consumeBatches, type ReadJob } from './read-pipe.js';
import type { CompiledAudit } from './rules.js';
import { scanFile } from './scan.js';
import type { FileScan } from './types.js';

let shared = Buffer.allocUnsafe(1 << 20);

/**
 * The bytes of a file in a buffer reused from file to file (no stat, no allocation per file); valid
 * until the next call. Null when it cannot be read (deleted since listing, a directory, no access).
 */
function readReused(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    let len = 0;
    for (;;) {
      if (len === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2);
        shared.copy(bigger, 0, 0, len);
        shared = bigger;
      }
      const want = shared.length - len;
      const r = readSync(fd, shared, len, want, null);
      len += r;
      // A file (git lists files, the walk keeps files) reads short only at its end, so one read per
      // file is enough: the extra read of 0 bytes cost 50,000 syscalls on the bench tree.
      if (r < want) break;
    }
    return shared.subarray(0, len);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Scans bytes already in memory (the base side of `--base`). */
export function scanBuffers(
  c: CompiledAudit,
  files: readonly [string, string[]][],
  contents: ReadonlyMap<string, Buffer>,
): FileScan[] {
  const out: FileScan[] = [];
  for (const [file, scopes] of files) {
    const buf = contents.get(file);
    if (!buf) continue;
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
): FileScan[] {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const out: FileScan[] = [];
  const readHere = (k: number) => (scopes[k] ? readReused(prefix + names[k]) : null);
  const scan = (k: number, buf: Buffer) => {
    if (!scopes[k]) return;
    const s = scanFile(c, names[k]!, buf, scopes[k]!);
    if (s && (s.defs.length || s.hits.length)) out.push(s);
  };
  if (job) consumeBatches(job, names.length, readHere, scan);
  else
    for (let k = 0; k < names.length; k++) {
      const buf = readHere(k);
      if (buf) scan(k, buf);
    }
  return out;
}
