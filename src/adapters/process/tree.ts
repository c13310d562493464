/**
 * A command's whole process tree, found through the process table (/proc). Every command tdl starts
 * carries a marker in its environment (`TDL_PROC_TOKEN`); its descendants inherit it, including those
 * that left its process group with `setsid` and were re-parented to init. Killing a tree kills the
 * process group and every process that still carries the marker. Where /proc does not exist (not
 * Linux), only the process group is known.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const TOKEN_ENV = 'TDL_PROC_TOKEN';

/** A new marker for a command's process tree. */
export function newProcessToken(): string {
  return randomBytes(12).toString('hex');
}

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

/**
 * Every live process (other than this one) whose environment carries `TDL_PROC_TOKEN=<token>`.
 * `unmarked`, when given, lists pids already read without the marker: they are skipped, and the pids
 * this reading finds with an environment but without the marker are added (a process does not gain a
 * marker once its environment is set, and a pid is not reused within the moments a kill takes), so the
 * next reading only reads new processes.
 */
export function processesWithToken(token: string, unmarked?: Set<number>): ProcInfo[] {
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
    if (pid === process.pid || unmarked?.has(pid)) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.includes(needle)) {
      const info = procInfo(pid);
      if (info) out.push(info);
    } else if (environ.length > 0) unmarked?.add(pid);
    // An empty or unreadable environment (a kernel thread, a zombie, or a process in the middle of
    // exec, whose environment is not mapped yet) is read again next time: caching a process caught
    // mid-exec as unmarked would let a re-spawning daemon's next link outlive the kill.
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
 * groups), reading the process table once: for a polite SIGTERM. Killing is `killTree`.
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

/** How long `killTree` keeps reading the table and killing until nothing carries the marker. */
export const KILL_BOUND_MS = 3000;

/** Blocks this thread (signal and exit handlers cannot await). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * SIGKILLs a whole tree: the process group `pgid`, then every process carrying `token` (and its
 * group), then reads the process table again, until two readings in a row find no live process with
 * the marker, or `boundMs` has passed. One reading is not enough: a process that forks while the table
 * is read and killed (a child calling `setsid` between the reading and the kill of its group, a daemon
 * that re-spawns itself) is not in that reading and would outlive the kill. A full reading costs
 * milliseconds to a second on a crowded machine; the readings after the first only read processes
 * born since. Synchronous, so it can run in an exit handler. Returns every marked process it killed.
 */
export function killTree(pgid: number | undefined, token: string, boundMs = KILL_BOUND_MS): ProcInfo[] {
  const killed = new Map<number, ProcInfo>();
  const unmarked = new Set<number>();
  const until = Date.now() + boundMs;
  if (pgid !== undefined) kill(-pgid, 'SIGKILL');
  let empty = 0;
  for (;;) {
    const marked = processesWithToken(token, unmarked);
    empty = marked.length === 0 ? empty + 1 : 0;
    if (empty === 2) break;
    for (const p of marked) {
      if (p.pgid === p.pid) kill(-p.pid, 'SIGKILL');
      kill(p.pid, 'SIGKILL');
      if (!killed.has(p.pid)) killed.set(p.pid, p);
    }
    if (Date.now() >= until) break;
    // A killed process keeps its marker until the kernel has torn it down: a moment, then read again.
    pause(5);
  }
  return [...killed.values()];
}
