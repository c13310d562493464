/**
 * Scanning many files: in this thread for small trees, else split across worker threads (one per
 * core, at most 2 by default) that each read and scan their share. Only non-empty scans come back.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { AuditConfig } from '../playbook/sections/audit.js';
import type { CompiledAudit } from './rules.js';
import { scanFile } from './scan.js';
import type { FileScan } from './types.js';
import { claimWorkers } from './workers.js';

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

const CHUNK = 256;

/** What a worker is sent: the file list as one string and scope-set indexes (cheap to copy). */
export interface WorkerJob {
  root: string;
  config: AuditConfig;
  /** File paths joined by NUL. */
  names: string;
  /** Per file, its index in `sets`. */
  setOf: Uint32Array;
  sets: string[][];
  counter: Int32Array;
}

/**
 * Scans chunks of files taken from a shared counter until none is left. This thread and the
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

/** The worker's side of a job: its file list back as pairs (scope arrays shared, not copied). */
export function jobFiles(job: WorkerJob): [string, string[]][] {
  const names = job.names.split('\0');
  return names.map((n, k) => [n, job.sets[job.setOf[k]!]!]);
}

function toJob(root: string, config: AuditConfig, files: readonly [string, string[]][], counter: Int32Array) {
  const index = new Map<string, number>();
  const sets: string[][] = [];
  const setOf = new Uint32Array(files.length);
  const names: string[] = [];
  files.forEach(([name, scopes], k) => {
    const key = scopes.join('\0');
    let i = index.get(key);
    if (i === undefined) {
      i = sets.length;
      index.set(key, i);
      sets.push(scopes);
    }
    setOf[k] = i;
    names.push(name);
  });
  return { root, config, names: names.join('\0'), setOf, sets, counter } satisfies WorkerJob;
}

/** Scans `files` (relative to `root`, with their scopes), sharing the work with worker threads when it pays. */
export async function scanTree(
  c: CompiledAudit,
  config: AuditConfig,
  root: string,
  files: readonly [string, string[]][],
  env: NodeJS.ProcessEnv = process.env,
): Promise<FileScan[]> {
  const ready = claimWorkers(files.length, env);
  // Running from TypeScript sources (tests) there is no compiled worker: scan here.
  if (ready.length === 0) return scanFiles(c, root, files);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const job = toJob(root, config, files, counter);
  const workers = ready.map(
    (w) =>
      new Promise<FileScan[]>((resolve, reject) => {
        w.once('message', (m: FileScan[]) => resolve(m));
        w.once('error', reject);
        w.once('exit', (code) => {
          if (code !== 0) reject(new Error(`audit worker exited with ${code}`));
        });
        w.postMessage(job);
      }),
  );
  // A forced worker count (diagnostics, tests) leaves all scanning to the workers, so they really scan.
  const mine = env.TDL_AUDIT_WORKERS === undefined ? scanShared(c, root, files, counter) : [];
  return [...mine, ...(await Promise.all(workers)).flat()];
}
