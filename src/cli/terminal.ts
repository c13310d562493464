/** Runs a session with the terminal attached: progress display, signals, summary, exit code. */
import { constants } from 'node:os';
import type { RunRecord } from '../core/record.js';
import type { SessionOptions } from '../pipeline/session.js';
import { writeStepSummary } from '../worklog/step-summary.js';
import { printRunOutcome, redactorFor } from './summary.js';
import { createProgress, outputMode } from './ui.js';

/**
 * The signals that end a run as interrupted: Ctrl-C, `kill`, a closed terminal or dropped SSH
 * session, Ctrl-\. The first stops the current suite (its whole process tree) and writes the
 * worklog; a second one kills every suite tree at once and exits. Either way the exit code is
 * 128 + the signal's number.
 */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

export async function runWithTerminal(
  json: boolean,
  start: (session: SessionOptions) => Promise<RunRecord>,
): Promise<void> {
  const mode = outputMode();
  const progress = await createProgress(mode);
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handlers = INTERRUPT_SIGNALS.map((signal) => {
    const handler = () => {
      if (received) {
        // The second signal: the session's exit hook marks the record and the process adapter's
        // kills every tree; nothing waits any more.
        process.exit(128 + constants.signals[signal]);
      }
      received = signal;
      try {
        process.stderr.write(
          `\ntdl: interrupted (${signal}); stopping the current suite and writing the worklog (Ctrl-C again to quit now)\n`,
        );
      } catch {
        // The terminal is gone (SIGHUP): go on without it.
      }
      controller.abort(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    const record = await start({
      progress,
      humanLog: process.stderr,
      signal: controller.signal,
      humanLevel: mode.live ? 'warn' : 'info',
    });
    progress.close();
    const redactor = redactorFor(record);
    writeStepSummary(record, redactor);
    printRunOutcome(record, json, redactor);
    process.exitCode = record.exitCode ?? 1;
  } finally {
    progress.close();
    // The run is over and the process ends next. A signal in between (the second of a double Ctrl-C
    // often lands here once the first one ended the run quickly) still exits with 128 + its number,
    // instead of killing the process by Node's default action without an exit code.
    // The new listener goes on before the old one comes off: with none, Node restores the default action.
    for (const [signal, handler] of handlers) {
      process.on(signal, () => process.exit(128 + constants.signals[signal]));
      process.off(signal, handler);
    }
  }
  // The run is over: end the process now, once stdout and stderr are flushed, rather than when Node
  // has torn everything down by itself. During that teardown Node has already put the default
  // action back, so a signal then (the second of a double Ctrl-C, once the first ended the run
  // quickly) killed tdl without its exit code.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit();
}

/** Resolves once everything written to `stream` so far has been handed to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      stream.write('', () => resolve());
    } catch {
      // The stream is gone (EPIPE, a closed terminal): nothing left to flush.
      resolve();
    }
  });
}
