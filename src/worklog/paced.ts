/**
 * How often a run re-renders its worklog (the markdown and its JSON twin). The run record
 * (`record.json`, the resume journal) is still saved at every phase boundary; the worklog follows it
 * at most once per `everyMs`: a boundary writes it at once when the last write is that old (or there
 * was none: a run's worklog exists from its first save, so its name is taken at once, see
 * worklogPaths), else one write is scheduled for when it is, which renders the state of then. The end
 * of a run (and the exit handler) writes the final state synchronously and cancels what was pending.
 * So a slow run's worklog follows it within `everyMs`, and a killed run's worklog is at most that far
 * behind its record (a resume renders it again). Each write rendered, redacted and replaced two
 * files: most of a short run's journal cost (issue 16, docs/performance.md).
 */

export interface PacedWrites {
  /** The state changed: write now if the last write is `everyMs` old or there was none; else once, when it is. */
  request(): void;
  /** Write now, synchronously, and cancel a pending write (the run's end, the exit handler). */
  flush(): void;
  /** Cancel a pending write without writing (a usage error removes the worklog). */
  cancel(): void;
}

/** The worklog's pace: re-rendered at most once a second while the run goes on. */
export const WORKLOG_EVERY_MS = 1000;

/**
 * Paces `write` (see above). The pending write's timer never keeps the process alive (unref). A
 * pending write that throws (a full disk) does not crash the process from its timer: the error is
 * thrown by the next `request` or `flush`, in the run, as a write made there would have thrown.
 */
export function pacedWrites(
  write: () => void,
  everyMs: number,
  // Monotonic milliseconds; `performance.now()` would load perf_hooks on its first call (~1.5 ms).
  now: () => number = () => Number(process.hrtime.bigint()) / 1e6,
): PacedWrites {
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let failed: { error: unknown } | undefined;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const writeNow = () => {
    cancel();
    last = now();
    write();
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
      if (timer !== undefined) return;
      const wait = last + everyMs - now();
      if (wait <= 0) return writeNow();
      timer = setTimeout(() => {
        try {
          writeNow();
        } catch (error) {
          failed = { error };
        }
      }, wait);
      timer.unref();
    },
    flush() {
      failed = undefined;
      writeNow();
    },
    cancel,
  };
}
