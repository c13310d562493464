/**
 * Scanning a big tree in parallel: the file list cut into contiguous parts, each read and scanned by
 * its own thread (audit-scanner.ts: this module's `scanPart`), the first part by this thread. Parts
 * are put back together in file order, so the result is the one scanning in one thread gives.
 *
 * Why: on a real tree the scanning (masking, functions, definitions, patterns) is most of an audit's
 * time and needs nothing from other files; a second core halves it. Reading stays with the scanning
 * thread (reading is a few system calls per file, small beside the scan).
 */
import type { Worker } from 'node:worker_threads';
import type { AuditConfig } from '../playbook/sections/audit.js';
import { claimScanners } from './readers.js';
import { type CompiledAudit, compileAudit } from './rules.js';
import { SkipList, type SkipReason } from './skip.js';
import { scanTree } from './tree-scan.js';
import type { FileScan } from './types.js';

/** What a scanner thread is sent: the rules as the playbook gives them, and its part of the files. */
export interface ScanPart {
  config: AuditConfig;
  root: string;
  names: string[];
  scopes: (string[] | null)[];
}

/** What it sends back: its scans and the files it skipped, in file order. */
export interface ScannedPart {
  scans: FileScan[];
  skips: [string, SkipReason][];
}

/** A SkipList that also keeps every skip in order (the main thread adds them to its own). */
class RecordedSkips extends SkipList {
  readonly all: [string, SkipReason][] = [];
  override add(file: string, reason: SkipReason): void {
    this.all.push([file, reason]);
    super.add(file, reason);
  }
}

/** A scanner thread's work (also what the main thread does when a scanner fails). */
export function scanPart(part: ScanPart, compiled?: CompiledAudit): ScannedPart {
  const skipped = new RecordedSkips();
  const c = compiled ?? compileAudit(part.config);
  const scans = scanTree(c, part.root, part.names, part.scopes, null, skipped);
  return { scans, skips: skipped.all };
}

/** Runs `part` in scanner thread `w`; on any failure of the thread, in this one. */
function inThread(w: Worker, part: ScanPart, c: CompiledAudit): Promise<ScannedPart> {
  return new Promise((done) => {
    let settled = false;
    const fallback = () => {
      if (settled) return;
      settled = true;
      done(scanPart(part, c));
    };
    w.once('message', (m: ScannedPart) => {
      if (settled) return;
      settled = true;
      done(m);
      void w.terminate();
    });
    w.once('error', fallback);
    w.once('exit', fallback);
    try {
      w.postMessage(part);
    } catch {
      fallback();
    }
  });
}

/**
 * Scans `names` (with their `scopes`, as scanTree) in `threads` threads: this one and threads - 1
 * scanner threads. Same scans and the same skips, in the same order, as scanTree in one thread.
 */
export async function scanSplit(
  c: CompiledAudit,
  config: AuditConfig,
  root: string,
  names: readonly string[],
  scopes: readonly (string[] | null)[],
  threads: number,
  skipped: SkipList,
): Promise<FileScan[]> {
  const size = Math.max(1, Math.ceil(names.length / threads));
  const parts: ScanPart[] = [];
  for (let at = 0; at < names.length; at += size)
    parts.push({ config, root, names: names.slice(at, at + size), scopes: scopes.slice(at, at + size) });
  // The other parts start first, so that they run while this thread scans the first one.
  const workers = claimScanners(Math.max(0, parts.length - 1));
  const others = parts.slice(1).map((p, k) => inThread(workers[k]!, p, c));
  const first = scanPart(parts[0] ?? { config, root, names: [], scopes: [] }, c);
  const out = first.scans;
  for (const [f, r] of first.skips) skipped.add(f, r);
  for (const p of await Promise.all(others)) {
    out.push(...p.scans);
    for (const [f, r] of p.skips) skipped.add(f, r);
  }
  return out;
}
