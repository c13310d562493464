/**
 * One run at a time per state folder (`.tdl/lock.json`); `tdl publish` takes the same lock. A second
 * run fails fast naming the holder, or waits with `--wait`. A lock left by a process that is gone is
 * taken over: same host, and the pid is not alive, or it is alive but started at another time than
 * the holder did (the pid was reused, e.g. tdl as PID 1 in a fresh container), or the machine was
 * rebooted since.
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { procInfo } from '../adapters/process/tree.js';
import { UsageError } from '../core/errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
  /** The holder's process start time (clock ticks since boot, from the process table), when known. */
  startTicks?: number | null;
  /** The boot the holder ran in (/proc/sys/kernel/random/boot_id), when known. */
  bootId?: string | null;
}

export interface RunLock {
  holder: LockHolder;
  /** Set when an abandoned lock was taken over. */
  tookOverFrom: LockHolder | null;
  /** Why the holder was judged gone. */
  tookOverBecause?: string;
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

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Why a holder on this host is gone, or null while it still runs. */
export function holderGone(h: LockHolder): string | null {
  if (!pidAlive(h.pid)) return `pid ${h.pid} is not running`;
  const boot = bootId();
  if (h.bootId && boot && h.bootId !== boot) return 'the machine was restarted since';
  if (typeof h.startTicks === 'number') {
    const now = procInfo(h.pid);
    if (now && now.startTicks !== h.startTicks)
      return `pid ${h.pid} now belongs to another process (started at another time)`;
  }
  return null;
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
  let because: string | undefined;
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
        ...(because ? { tookOverBecause: because } : {}),
        release() {
          const current = readHolder(file);
          if (current && current.pid === me.pid && current.runId === me.runId) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      // A holder on this host whose process is gone left the lock behind: take it over.
      const gone = holder && holder.host === me.host ? holderGone(holder) : null;
      if (holder && gone) {
        tookOverFrom = holder;
        because = gone;
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
    startTicks: procInfo(process.pid)?.startTicks ?? null,
    bootId: bootId(),
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
