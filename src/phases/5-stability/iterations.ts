/** Within an `--until-green` run, the previous iteration is the run to compare with. */
import type { RunRecord } from '../../core/record.js';

/** The last finished iteration as a record of its own, or null outside a loop or in iteration 1. */
export function previousIterationRecord(record: RunRecord): RunRecord | null {
  const last = record.iterations?.[record.iterations.length - 1];
  if (!last) return null;
  return {
    ...record,
    runId: `${record.runId} iteration ${last.iteration}`,
    repo: { ...record.repo, commit: last.commit, dirty: last.dirty },
    startedAt: last.startedAt,
    phases: last.phases,
    decision: last.decision,
  };
}
