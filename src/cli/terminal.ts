/** Runs a session with the terminal attached: progress display, Ctrl-C, summary, exit code. */
import type { RunRecord } from '../pipeline/record.js';
import type { SessionOptions } from '../pipeline/session.js';
import { writeStepSummary } from '../worklog/step-summary.js';
import { printRunOutcome, redactorFor } from './summary.js';
import { createProgress, outputMode } from './ui.js';

export async function runWithTerminal(
  json: boolean,
  start: (session: SessionOptions) => Promise<RunRecord>,
): Promise<void> {
  const mode = outputMode();
  const progress = await createProgress(mode);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      '\ntdl: interrupted; stopping the current suite and writing the worklog (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
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
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
