/**
 * One run at a time per state folder (`.tdl/lock.json`). A second run fails fast naming the holder, or
 * waits with `--wait`. A lock left by a process that is gone (same host, pid not alive) is taken over.
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
}

export interface RunLock {
  holder: LockHolder;
  /** Set when an abandoned lock was taken over. */
  tookOverFrom: LockHolder | null;
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

function describe(h: LockHolder): string {
  return `run ${h.runId} (pid ${h.pid} on ${h.host}, started ${h.startedAt})`;
}

/** Tries once; returns the lock, or the live holder that has it. */
function tryAcquire(file: string, me: LockHolder): RunLock | LockHolder {
  let tookOverFrom: LockHolder | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Written whole to a private file, then linked into place: link() fails if the lock exists, and a
      // reader never sees a lock file that is still empty.
      const tmp = `${file}.${me.pid}.${me.runId}.tmp`;
      writeFileSync(tmp, JSON.stringify(me));
      try {
        linkSync(tmp, file);
      } finally {
        unlinkSync(tmp);
      }
      return {
        holder: me,
        tookOverFrom,
        release() {
          const current = readHolder(file);
          if (current && current.pid === me.pid && current.runId === me.runId) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      // A holder on this host whose process is gone left the lock behind: take it over.
      if (holder && holder.host === me.host && !pidAlive(holder.pid)) {
        tookOverFrom = holder;
        try {
          unlinkSync(file);
        } catch {
          // Someone else took it over first; try again.
        }
        continue;
      }
      if (!holder) {
        // Locks are linked into place whole, so this is not a lock a run wrote (or it was just removed).
        continue;
      }
      return holder;
    }
  }
  const holder = readHolder(file);
  if (holder) return holder;
  throw new UsageError(
    'ELOCKED',
    `could not take the run lock ${file}: it is not a lock tdl wrote`,
    'remove the file if no tdl run is going on',
  );
}

export interface AcquireOptions {
  stateDir: string;
  runId: string;
  wait: boolean;
  /** How often to look again while waiting (ms). */
  pollMs?: number;
  signal?: AbortSignal;
  onWait?: (holder: LockHolder) => void;
}

export async function acquireRunLock(o: AcquireOptions): Promise<RunLock> {
  mkdirSync(o.stateDir, { recursive: true });
  const file = join(o.stateDir, 'lock.json');
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    runId: o.runId,
    startedAt: new Date().toISOString(),
  };
  let told = false;
  for (;;) {
    const got = tryAcquire(file, me);
    if ('release' in got) return got;
    if (!o.wait) {
      throw new UsageError(
        'ELOCKED',
        `another tdl run holds ${file}: ${describe(got)}`,
        'wait for it with --wait, or stop it; a lock left by a dead process on this host is taken over automatically',
      );
    }
    if (!told) o.onWait?.(got);
    told = true;
    if (o.signal?.aborted) throw new UsageError('ELOCKED', `stopped waiting for ${describe(got)}`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}
