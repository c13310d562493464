/** Earlier runs, read from the worklog folder's JSON twins (the committed history of a playbook). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { parseStoredRecord } from '../history/compact.js';
import { normalizeReadRecord } from './portable.js';

export const WORKLOG_PREFIX = 'E2E-DEPLOY-REMEDIATE-WORKLOG-';
const MAX_HISTORY = 50;

/** A previous run of the same playbook, read from the worklog folder's JSON twins. */
export interface HistoryEntry {
  record: RunRecord;
  /** Path of the JSON twin it was read from. */
  file: string;
}

/** Told of a JSON twin that was skipped because it is not a valid run record (see readHistory). */
export type SkippedRecord = (file: string, problem: string) => void;

/**
 * The default for a skipped twin: one line on stderr. A run passes its logger's instead (the line then
 * also reaches run.log); stdout, where `--json` and the MCP protocol write, is never used.
 */
export const warnSkipped: SkippedRecord = (file, problem) => {
  try {
    process.stderr.write(`tdl: warning: skipped ${file}: not a valid run record: ${problem}\n`);
  } catch {
    // stderr is gone: nothing more to say.
  }
};

/**
 * Runs of `playbookName` (null: every playbook) in `dir`, newest first, at most `max`, excluding
 * `excludeRunId` and (unless `includeDryRuns`, as the INDEX does) dry runs.
 *
 * A twin that is JSON but not a valid run record (a key of the record, or of a phase's data, is wrong:
 * edited by hand, or written by a tdl with another contract) is skipped and `onSkip` is told why, so
 * one bad file costs its own run and not the whole history (a worklog, the trend, INDEX.md). A torn
 * file (not JSON: a crash while writing) is skipped silently, as before.
 */
export function readHistory(
  dir: string,
  playbookName: string | null,
  excludeRunId?: string,
  max = MAX_HISTORY,
  includeDryRuns = false,
  onSkip: SkippedRecord = warnSkipped,
): HistoryEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(WORKLOG_PREFIX) && n.endsWith('.json'));
  } catch {
    return [];
  }
  // File names end in the run's start time (and, after a same-second clash, the run id's random part),
  // so sorting on that stamp sorts by time.
  // Each stamp is computed once (a regex per comparison took 50 ms on a folder of 1,000 runs).
  const stamped = names.map((n) => ({
    n,
    stamp: /(\d{4}-\d{2}-\d{2}-\d{6})(?:-[0-9a-f]{6})?\.json$/.exec(n)?.[1] ?? '',
  }));
  stamped.sort((a, b) => byNewest(a.stamp, b.stamp));
  const out: HistoryEntry[] = [];
  for (const { n: name } of stamped) {
    if (out.length >= max) break;
    const file = join(dir, name);
    try {
      const parsed = parseStoredRecord(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.ok) {
        onSkip(file, parsed.problem);
        continue;
      }
      const record = normalizeReadRecord(parsed.record, file);
      if (playbookName !== null && record.playbook?.name !== playbookName) continue;
      if (record.runId === excludeRunId) continue;
      // A dry run measured nothing: it is never "the previous run" of anything.
      if (record.options.dryRun && !includeDryRuns) continue;
      out.push({ record, file });
    } catch {
      // A torn or foreign file is not history.
    }
  }
  return out.sort((a, b) => byNewest(a.record.startedAt, b.record.startedAt));
}

/**
 * Newest first, for ISO timestamps: they order as plain code units. (Not `localeCompare`: its first
 * call loads the ICU collator, 10+ ms of a run's history step.)
 */
export function byNewest(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** One JSON twin read as history (null when missing, torn or not a run record: `onSkip` is told why). */
export function readHistoryFile(file: string, onSkip: SkippedRecord = warnSkipped): HistoryEntry | null {
  try {
    const parsed = parseStoredRecord(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.ok) return { record: normalizeReadRecord(parsed.record, file), file };
    onSkip(file, parsed.problem);
    return null;
  } catch {
    return null;
  }
}
