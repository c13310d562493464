/**
 * A command's whole process tree, found through the process table (/proc). Every command tdl starts
 * carries a marker in its environment (`TDL_PROC_TOKEN`); its descendants inherit it, including those
 * that left its process group with `setsid` and were re-parented to init. Killing a tree kills the
 * process group and every process that still carries the marker. Where /proc does not exist (not
 * Linux), only the process group is known.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const TOKEN_ENV = 'TDL_PROC_TOKEN';

export interface ProcInfo {
  pid: number;
  pgid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  startTicks: number;
  command: string;
}

/** pid, pgid and start time of a process; null when it is gone (or a zombie). */
export function procInfo(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces or parentheses itself.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  let command = stat.slice(stat.indexOf('(') + 1, close);
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    if (cmdline) command = cmdline;
  } catch {
    // gone meanwhile: keep the short name
  }
  return { pid, pgid: Number(fields[2]), startTicks: Number(fields[19]), command: command.slice(0, 200) };
}

/** Whether the process table can be read at all. */
export function hasProcTable(): boolean {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
}

/** Every live process (other than this one) whose environment carries `TDL_PROC_TOKEN=<token>`. */
export function processesWithToken(token: string): ProcInfo[] {
  const needle = Buffer.from(`${TOKEN_ENV}=${token}\0`);
  const out: ProcInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.includes(needle)) {
      const info = procInfo(pid);
      if (info) out.push(info);
    }
  }
  return out;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Sends `signal` to the process group `pgid` and to every process carrying `token` (and their
 * groups). Synchronous, so it can run in an exit handler. Returns the marked processes it found.
 */
export function signalTree(pgid: number | undefined, token: string, signal: NodeJS.Signals): ProcInfo[] {
  if (pgid !== undefined) kill(-pgid, signal);
  const marked = processesWithToken(token);
  for (const p of marked) {
    if (p.pgid === p.pid) kill(-p.pid, signal);
    kill(p.pid, signal);
  }
  return marked;
}
