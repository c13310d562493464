/**
 * The scan worker threads: how many, and starting them early. Kept apart from the scanning code so
 * that `tdl audit` can start them before it loads anything else (see prestartScanWorkers).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Below this many files, worker start-up costs more than it saves. */
const WORKER_THRESHOLD = 3000;

const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Extra worker threads besides this one: one per further core, at most one by default. */
function workerCount(files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.TDL_AUDIT_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Number(forced);
  if (files < WORKER_THRESHOLD) return 0;
  return Math.max(0, Math.min(2, availableParallelism()) - 1);
}

function newWorker(): Worker {
  // A larger young generation: scanning makes many short-lived objects.
  return new Worker(workerFile, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
}

/** Workers started ahead of need, idle until they get a job. */
const idle: Worker[] = [];
const ignore = () => {};

/**
 * Starts the scan workers now, so that their start-up (a V8 isolate, the scanning modules) overlaps
 * what the caller does before scanning: loading the playbook, listing the files. A worker that is
 * not needed after all (a small tree) is stopped by claimWorkers; none keeps the process alive.
 */
export function prestartScanWorkers(env: NodeJS.ProcessEnv = process.env): void {
  if (idle.length || !existsSync(workerFile)) return;
  for (let k = workerCount(Number.POSITIVE_INFINITY, env); k > 0; k--) {
    const w = newWorker();
    w.on('error', ignore);
    w.unref();
    idle.push(w);
  }
}

/**
 * The workers to scan `files` files with (started ones first, then new ones), referenced again;
 * the other started ones are stopped. None when running from TypeScript sources (tests): there is
 * no compiled worker then.
 */
export function claimWorkers(files: number, env: NodeJS.ProcessEnv): Worker[] {
  const n = existsSync(workerFile) ? workerCount(files, env) : 0;
  const out = idle.splice(0, n);
  for (const w of idle.splice(0)) void w.terminate();
  while (out.length < n) out.push(newWorker());
  for (const w of out) {
    w.off('error', ignore);
    w.ref();
  }
  return out;
}
