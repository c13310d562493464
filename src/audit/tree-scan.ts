/**
 * Scanning many files: in this thread for small trees, else split across worker threads (one per
 * core, at most 2 by default) that each read and scan their share. Only non-empty scans come back.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditConfig } from '../playbook/sections/audit.js';
import type { CompiledAudit } from './rules.js';
import { scanFile } from './scan.js';
import type { FileScan } from './types.js';

/** Below this many files, worker start-up costs more than it saves. */
const WORKER_THRESHOLD = 3000;

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

/** Extra worker threads besides this one: one per further core, at most one by default. */
function workerCount(files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.TDL_AUDIT_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Number(forced);
  if (files < WORKER_THRESHOLD) return 0;
  return Math.max(0, Math.min(2, availableParallelism()) - 1);
}

const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));
const CHUNK = 256;

/**
 * Scans chunks of `files` taken from a shared counter until none is left. This thread and the
 * workers all run it, so whoever is faster (or started earlier) does more: no thread waits idle.
 */
export function scanShared(
  c: CompiledAudit,
  root: string,
  files: readonly [string, string[]][],
  counter: Int32Array,
): FileScan[] {
  const out: FileScan[] = [];
  for (;;) {
    const start = Atomics.add(counter, 0, CHUNK);
    if (start >= files.length) return out;
    for (const s of scanFiles(c, root, files.slice(start, start + CHUNK))) out.push(s);
  }
}

/** Scans `files` (relative to `root`, with their scopes), sharing the work with worker threads when it pays. */
export async function scanTree(
  c: CompiledAudit,
  config: AuditConfig,
  root: string,
  files: readonly [string, string[]][],
  env: NodeJS.ProcessEnv = process.env,
): Promise<FileScan[]> {
  const n = workerCount(files.length, env);
  // Running from TypeScript sources (tests) there is no compiled worker: scan here.
  if (n === 0 || !existsSync(workerFile)) return scanFiles(c, root, files);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from(
    { length: n },
    () =>
      new Promise<FileScan[]>((resolve, reject) => {
        // A larger young generation: scanning makes many short-lived strings.
        const w = new Worker(workerFile, {
          workerData: { root, config, files, counter },
          resourceLimits: { maxYoungGenerationSizeMb: 64 },
        });
        w.once('message', (m: FileScan[]) => resolve(m));
        w.once('error', reject);
        w.once('exit', (code) => {
          if (code !== 0) reject(new Error(`audit worker exited with ${code}`));
        });
      }),
  );
  // A forced worker count (diagnostics, tests) leaves all scanning to the workers, so they really scan.
  const mine = env.TDL_AUDIT_WORKERS === undefined ? scanShared(c, root, files, counter) : [];
  return [...mine, ...(await Promise.all(workers)).flat()];
}
