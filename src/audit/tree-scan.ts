/**
 * Scanning many files: read here or by reader threads, scanned here. Only non-empty scans come back.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { consumeBatches, newReadJob } from './read-pipe.js';
import { claimReaders } from './readers.js';
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

export function scanFiles(c: CompiledAudit, root: string, files: readonly [string, string[]][]): FileScan[] {
  const out: FileScan[] = [];
  const prefix = root.endsWith('/') ? root : `${root}/`;
  for (const [file, scopes] of files) {
    const buf = readReused(prefix + file);
    if (!buf) continue;
    const s = scanFile(c, file, buf, scopes);
    if (s && (s.defs.length || s.hits.length)) out.push(s);
  }
  return out;
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
 * Scans `files` (relative to `root`, with their scopes), in file order. Big trees are read by reader
 * threads while this thread scans (read-pipe.ts); small ones, and runs from TypeScript sources
 * (tests: no compiled reader), are read here.
 */
export function scanTree(
  c: CompiledAudit,
  root: string,
  files: readonly [string, string[]][],
  env: NodeJS.ProcessEnv = process.env,
): FileScan[] {
  const readers = claimReaders(files.length, env);
  if (readers.length === 0) return scanFiles(c, root, files);
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const job = newReadJob(
    prefix,
    files.map(([f]) => f),
  );
  for (const w of readers) w.postMessage(job);
  const out: FileScan[] = [];
  consumeBatches(
    job,
    files.length,
    (i) => readReused(prefix + files[i]![0]),
    (i, buf) => {
      const [file, scopes] = files[i]!;
      const s = scanFile(c, file, buf, scopes);
      if (s && (s.defs.length || s.hits.length)) out.push(s);
    },
  );
  return out;
}
