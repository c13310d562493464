/**
 * How often a run re-renders its worklog (the markdown and its JSON twin). The run record
 * (`record.json`, the resume journal) is still saved at every phase boundary; the worklog follows it:
 * - when tdl starts waiting for a command it started (a suite, a remediation): a pending write is done
 *   then, while the command runs, rather than before it starts;
 * - else at most once per `everyMs`: a boundary writes it at once when the last write is that old,
 *   else one write is scheduled for when it is (for the run's first save: `everyMs` after it), which
 *   renders the state of then;
 * - the end of the run (and the exit handler) writes the final state synchronously and cancels what
 *   was pending.
 * So a slow run's worklog follows it within `everyMs`, and a killed run's worklog is at most that far
 * behind its record (a resume, or the next run taking over its lock, renders it again). Each write
 * renders, redacts and replaces two files: before this, most of a short run's journal cost, and the
 * first one delayed its first suite (issue 16, docs/performance.md).
 */

export interface PacedWrites {
  /** The state changed: written at the next `idle`, or `everyMs` after the last write (at once if that has passed). */
  request(): void;
  /** tdl starts waiting (a command started): a pending write is done now. */
  idle(): void;
  /** Write now, synchronously, and cancel a pending write (the run's end, the exit handler). */
  flush(): void;
  /** Cancel a pending write without writing (a usage error removes the worklog). */
  cancel(): void;
}

/** The worklog's pace: re-rendered at most once a second while the run goes on (and tdl is not waiting). */
export const WORKLOG_EVERY_MS = 1000;

/**
 * Paces `write` (see above). The pending write's timer never keeps the process alive (unref). A
 * pending write that throws (a full disk) does not crash the process from its timer, nor fail the
 * command whose start made it: the error is thrown by the next `request` or `flush`, in the run, as a
 * write made there would have thrown.
 */
export function pacedWrites(
  write: () => void,
  everyMs: number,
  // Monotonic milliseconds; `performance.now()` would load perf_hooks on its first call (~1.5 ms).
  now: () => number = () => Number(process.hrtime.bigint()) / 1e6,
): PacedWrites {
  let last: number | undefined;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;
  let failed: { error: unknown } | undefined;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pending = false;
  };
  const writeNow = () => {
    cancel();
    last = now();
    write();
  };
  // A write not made by the run's own calls (timer, idle): its error waits for the next call.
  const writeLater = () => {
    try {
      writeNow();
    } catch (error) {
      failed = { error };
    }
  };
  const rethrow = () => {
    if (!failed) return;
    const { error } = failed;
    failed = undefined;
    throw error;
  };
  return {
    request() {
      rethrow();
      if (pending) return;
      const wait = last === undefined ? everyMs : last + everyMs - now();
      if (wait <= 0) return writeNow();
      pending = true;
      timer = setTimeout(writeLater, wait);
      timer.unref();
    },
    idle() {
      if (pending) writeLater();
    },
    flush() {
      failed = undefined;
      writeNow();
    },
    cancel,
  };
}
