/** Running outside commands (suites, deploys, hooks): the ProcessPort. */

export interface RunCommandOptions {
  cwd: string;
  /** Added to the inherited environment. */
  env: Record<string, string>;
  /** Inherited variables the command does not get (unless `env` sets them). */
  dropEnv?: readonly string[];
  /** Kill the whole process tree after this long. */
  timeoutMs: number;
  /** Combined stdout+stderr are streamed here. */
  logFile: string;
  shell?: boolean;
  signal?: AbortSignal;
  /** Text written to the child's stdin, then closed (default: no stdin). */
  input?: string;
  /** Bytes of the end of the output kept in memory for excerpts (default 64 KiB). */
  tailBytes?: number;
  /** The log file stops growing past this many bytes; the tail is still kept (default 64 MiB). */
  maxLogBytes?: number;
  /** How long descendants that escaped the process group may outlive the command (default 2 s). */
  escapeGraceMs?: number;
  /**
   * The marker the command's whole tree carries (default: a new one). Given by a caller that must
   * know it before the command starts (the run's process journal).
   */
  token?: string;
  /** Called once the command runs: its process group and the marker its whole tree carries. */
  onStart?: (child: ChildProcessRef & { startTicks: number | null }) => void;
  /** Called when the command and its tree are gone. */
  onEnd?: (child: ChildProcessRef) => void;
}

/** What identifies a command's process tree (kept in the run's process journal). */
export interface ChildProcessRef {
  pgid: number;
  token: string;
}

export interface CommandResult {
  /** null when the process did not exit by itself (killed, or never started). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the command could not be started at all (not found, not executable). */
  spawnError?: string;
  startedAt: string;
  durationMs: number;
  /** The last `tailBytes` of combined output. */
  outputTail: string;
  outputBytes: number;
  logTruncated: boolean;
  /** Descendants that escaped the process group and outlived the command past the grace; killed. */
  escaped?: { pid: number; command: string }[];
}

export interface ProcessPort {
  run(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult>;
}
