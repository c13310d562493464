/**
 * The ProcessPort on execa. Each command runs in its own process group (detached) and carries a
 * marker in its environment (tree.ts), so a timeout, a cancel, a signal to tdl, or the command's own
 * exit can kill the whole tree, including descendants that escaped into their own session with
 * `setsid`: no grandchild outlives its suite. A command's timeout is measured on its own process:
 * once it exits, escaped descendants get a short grace, then are killed and named in the result.
 * Output goes to a log file with backpressure and a bounded tail in memory, so a suite printing
 * gigabytes costs disk up to `maxLogBytes` and constant memory.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { CommandResult, ProcessPort, RunCommandOptions } from './port.js';
import {
  killTree,
  newProcessToken,
  type ProcInfo,
  processesWithToken,
  procInfo,
  signalTree,
  TOKEN_ENV,
} from './tree.js';

export type { CommandResult, ProcessPort, RunCommandOptions } from './port.js';

const KILL_GRACE_MS = 2000;
/** How long descendants that escaped into their own session may outlive their command. */
const ESCAPE_GRACE_MS = 2000;
/** Live trees: process group id → marker. */
const liveTrees = new Map<number, string>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Kills every process tree tdl started and that is still running (synchronous: for signal and exit handlers). */
export function killAllTrees(): void {
  for (const [pgid, token] of liveTrees) killTree(pgid, token);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If tdl itself goes away, it takes its suites' process trees with it.
  process.on('exit', killAllTrees);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

function inheritedEnv(options: RunCommandOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of options.dropEnv ?? []) delete env[name];
  return { ...env, ...options.env };
}

export function createProcessPort(): ProcessPort {
  return { run: runCommand };
}

async function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  installExitHook();
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const tail = new Tail(options.tailBytes ?? 64 * 1024);
  const maxLog = options.maxLogBytes ?? 64 * 1024 * 1024;
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  let outputBytes = 0;
  let logTruncated = false;

  const token = options.token ?? newProcessToken();
  const [file, ...args] = argv;
  // Loaded on first use: commands that never start a suite (audit, status, results) skip its ~70 ms.
  const { execa } = await import('execa');
  const child = execa(file!, args, {
    cwd: options.cwd,
    env: { ...inheritedEnv(options), [TOKEN_ENV]: token },
    extendEnv: false,
    detached: true,
    cleanup: false,
    shell: options.shell ?? false,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    ...(options.input === undefined ? {} : { input: options.input }),
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  });
  const pid = child.pid;
  if (pid !== undefined) {
    liveTrees.set(pid, token);
    options.onStart?.({ pgid: pid, token, startTicks: procInfo(pid)?.startTicks ?? null });
  }

  let timedOut = false;
  let cancelled = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    if (pid === undefined) return;
    signalTree(pid, token, 'SIGTERM');
    forceTimer ??= setTimeout(() => killTree(pid, token), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    terminate();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const drained: Promise<void>[] = [];
  const attach = (source: Readable | null | undefined) => {
    if (!source) return;
    drained.push(
      new Promise<void>((resolve) => {
        source.on('data', (chunk: Buffer) => {
          tail.push(chunk);
          outputBytes += chunk.length;
          if (outputBytes > maxLog) {
            logTruncated = true;
            return;
          }
          if (!log.write(chunk)) {
            source.pause();
            log.once('drain', () => source.resume());
          }
        });
        source.once('end', resolve);
        source.once('close', resolve);
        source.once('error', () => resolve());
      }),
    );
  };
  attach(child.stdout);
  attach(child.stderr);

  // When the command itself exits, its time stops and whatever it left running in its group goes
  // too; descendants that escaped the group (setsid) get a short grace, then are killed and named.
  // Otherwise a grandchild holding the output pipe would keep the suite "running" forever.
  const escaped: ProcInfo[] = [];
  const reaped = new Promise<void>((resolve) => {
    if (pid === undefined) return resolve();
    child.once('error', () => resolve());
    child.once('exit', async () => {
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL');
      const grace = options.escapeGraceMs ?? ESCAPE_GRACE_MS;
      const until = Date.now() + grace;
      let left = processesWithToken(token);
      while (left.length && Date.now() < until) {
        await sleep(Math.min(100, Math.max(1, until - Date.now())));
        left = processesWithToken(token);
      }
      if (left.length) {
        escaped.push(...left);
        killTree(undefined, token);
      }
      resolve();
    });
  });

  const result = await child;
  await reaped;
  await Promise.all(drained);
  clearTimeout(timer);
  if (forceTimer) clearTimeout(forceTimer);
  options.signal?.removeEventListener('abort', onAbort);
  if (pid !== undefined) {
    liveTrees.delete(pid);
    options.onEnd?.({ pgid: pid, token });
  }
  if (logTruncated)
    log.write(`\n[tdl: log truncated after ${maxLog} bytes; ${outputBytes} bytes of output in all]\n`);
  await new Promise<void>((resolve) => log.end(resolve));

  const neverStarted = result.exitCode === undefined && !result.isTerminated && pid === undefined;
  return {
    exitCode: timedOut || cancelled ? null : (result.exitCode ?? null),
    signal: result.signal ?? null,
    timedOut,
    cancelled,
    ...(neverStarted || (result.failed && result.exitCode === undefined && !result.isTerminated)
      ? { spawnError: result.shortMessage ?? 'the command could not be started' }
      : {}),
    startedAt,
    durationMs: Date.now() - started,
    outputTail: tail.text(),
    outputBytes,
    logTruncated,
    ...(escaped.length ? { escaped: escaped.map((p) => ({ pid: p.pid, command: p.command })) } : {}),
  };
}
