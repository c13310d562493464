/**
 * The audit's reader threads (read-pipe.ts): how many, and starting them early. Kept apart from the
 * scanning code so that `tdl audit` can start them before it loads anything else.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { newReadJob, type ReadJob } from './read-pipe.js';

/** Below this many files, a thread's start-up costs more than reading alongside saves. */
const READER_THRESHOLD = 3000;

const readerFile = fileURLToPath(new URL('./audit-reader.js', import.meta.url));
const scannerFile = fileURLToPath(new URL('./audit-scanner.js', import.meta.url));

/**
 * Scanner threads besides this one (scan-split.ts: each reads and scans a part of the files):
 * `TDL_AUDIT_SCANNERS` when set (0: none), else none. Not the default: on the 2-vCPU machine the
 * benches run on, parallel scanning was slower on two of four trees (a generated 50,000-file tree
 * 1.22x, ant-design 1.12x) and faster on two (spack 0.95x, saleor 0.88x): its two vCPUs slow each
 * other down (docs/phases/4-compliance.md). Where cores are real, `TDL_AUDIT_SCANNERS=3` is worth a try.
 */
export function scannerCount(_files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.TDL_AUDIT_SCANNERS;
  if (forced !== undefined && /^\d+$/.test(forced) && existsSync(scannerFile)) return Number(forced);
  return 0;
}

/**
 * Reader threads besides this one: `TDL_AUDIT_WORKERS` when set (0: this thread reads), else none
 * when scanner threads scan (they read their own files), else one per further core, at most two.
 * Reading is system calls; the scanning stays in this thread.
 */
function readerCount(files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.TDL_AUDIT_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Number(forced);
  if (files < READER_THRESHOLD || scannerCount(files, env) > 0) return 0;
  return Math.max(0, Math.min(3, availableParallelism()) - 1);
}

/** Readers and scanners started ahead of need, idle until they get a job. */
const idle: Worker[] = [];
const idleScanners: Worker[] = [];
// A reader that fails is noticed by the pipe (it stops making progress), not by an event; a scanner
// that fails is noticed by scan-split.ts (its own listeners).
const ignore = () => {};

function newReader(): Worker {
  const w = new Worker(readerFile);
  w.on('error', ignore);
  w.unref();
  return w;
}

function newScanner(): Worker {
  const w = new Worker(scannerFile);
  w.unref();
  return w;
}

/**
 * Starts the readers (or the scanners) now, so that their start-up (a V8 isolate and their modules)
 * overlaps what the caller does before reading: loading the playbook, listing the files. One that is
 * not needed after all (a small tree) is stopped when the others are claimed; none keeps the process
 * alive.
 */
export function prestartReaders(env: NodeJS.ProcessEnv = process.env): void {
  if (idle.length || idleScanners.length) return;
  if (existsSync(readerFile))
    for (let k = readerCount(Number.POSITIVE_INFINITY, env); k > 0; k--) idle.push(newReader());
  for (let k = scannerCount(Number.POSITIVE_INFINITY, env); k > 0; k--) idleScanners.push(newScanner());
}

/** `n` scanner threads (started ones first); the other started ones are stopped. */
export function claimScanners(n: number): Worker[] {
  const out = idleScanners.splice(0, n);
  for (const w of idleScanners.splice(0)) void w.terminate();
  while (out.length < n) out.push(newScanner());
  return out;
}

/**
 * The readers to read `files` files with (started ones first, then new ones); the other started
 * ones are stopped. None when running from TypeScript sources (tests): there is no compiled reader.
 * They end by themselves once the files are read, and never keep the process alive.
 */
function claimReaders(files: number, env: NodeJS.ProcessEnv): Worker[] {
  const n = existsSync(readerFile) ? readerCount(files, env) : 0;
  if (scannerCount(files, env) === 0) for (const w of idleScanners.splice(0)) void w.terminate();
  const out = idle.splice(0, n);
  for (const w of idle.splice(0)) void w.terminate();
  while (out.length < n) out.push(newReader());
  return out;
}

/**
 * Starts reading `names` (relative to `root`) in reader threads, when the list is big enough for
 * them and they exist; the caller consumes the job (tree-scan.ts, scanTree). Null: read them yourself.
 */
export function readAhead(root: string, names: readonly string[], env: NodeJS.ProcessEnv): ReadJob | null {
  const readers = claimReaders(names.length, env);
  if (readers.length === 0) return null;
  const job = newReadJob(root.endsWith('/') ? root : `${root}/`, names);
  for (const w of readers) w.postMessage(job);
  return job;
}
