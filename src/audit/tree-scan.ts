/**
 * Scanning many files: in this thread for small trees, else split across worker threads (one per
 * core, at most 2 by default) that each read and scan their share. Only non-empty scans come back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditConfig } from '../playbook/sections/audit.js';
import type { CompiledAudit } from './rules.js';
import { scanFile } from './scan.js';
import type { FileScan } from './types.js';

/** Below this many files, worker start-up costs more than it saves. */
const WORKER_THRESHOLD = 3000;

export function scanFiles(c: CompiledAudit, root: string, files: readonly [string, string[]][]): FileScan[] {
  const out: FileScan[] = [];
  for (const [file, scopes] of files) {
    let buf: Buffer;
    try {
      buf = readFileSync(join(root, file));
    } catch {
      continue; // deleted since listing, a directory (submodule), unreadable: nothing to audit
    }
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

function workerCount(files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.TDL_AUDIT_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Number(forced);
  if (files < WORKER_THRESHOLD) return 0;
  return Math.max(1, Math.min(2, availableParallelism()));
}

const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Scans `files` (relative to `root`, with their scopes), in worker threads when it pays. */
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
  const shares: [string, string[]][][] = Array.from({ length: n }, () => []);
  files.forEach((f, i) => {
    shares[i % n]!.push(f);
  });
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<FileScan[]>((resolve, reject) => {
          const w = new Worker(workerFile, { workerData: { root, config, files: share } });
          w.once('message', (m: FileScan[]) => resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => {
            if (code !== 0) reject(new Error(`audit worker exited with ${code}`));
          });
        }),
    ),
  );
  return results.flat();
}
