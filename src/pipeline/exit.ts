/** The one mapping from a run record to the process exit code. */
import { constants } from 'node:os';
import { EXIT } from '../core/errors.js';
import type { RunRecord } from '../core/record.js';

export function exitCodeFor(record: RunRecord): number {
  if (record.state === 'cancelled') {
    // 128 + the signal's number, as a shell reports a process ended by it (SIGTERM 143, SIGHUP 129).
    const n = record.interruptedBy
      ? constants.signals[record.interruptedBy as keyof typeof constants.signals]
      : undefined;
    return n ? 128 + n : EXIT.interrupted;
  }
  // A usage mistake found inside a phase (--focus matching nothing, --publish github without a token).
  if (record.phases.some((p) => p.error?.exitCode === EXIT.usage)) return EXIT.usage;
  if (record.phases.some((p) => p.error?.exitCode === EXIT.infrastructure)) return EXIT.infrastructure;
  if (record.decision) return record.decision.decision === 'proceed' ? EXIT.ok : EXIT.defer;
  // No decision (phase 5 not run): green only if every verdict that was reached is `pass`.
  const verdicts = record.phases.flatMap((p) => (p.verdict ? [p.verdict] : []));
  return verdicts.every((v) => v === 'pass') ? EXIT.ok : EXIT.defer;
}
