/** Earlier runs, read from the worklog folder's JSON twins (the committed history of a playbook). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import { type RunRecord, runRecordSchema } from '../core/record.js';
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

/** Told of a JSON twin whose data is not used because it is not a valid run record (see readHistory). */
export type SkippedRecord = (file: string, problem: string) => void;

/**
 * The default for such a twin: one line on stderr. A run passes its logger's instead (the line then
 * also reaches run.log); stdout, where `--json` and the MCP protocol write, is never used.
 */
export const warnSkipped: SkippedRecord = (file, problem) => {
  try {
    process.stderr.write(`tdl: warning: ${file}: not a valid run record, its data is not used: ${problem}\n`);
  } catch {
    // stderr is gone: nothing more to say.
  }
};

/**
 * Runs of `playbookName` (null: every playbook) in `dir`, newest first, at most `max`, excluding
 * `excludeRunId` and (unless `includeDryRuns`, as the INDEX does) dry runs.
 *
 * A twin that is JSON but not a valid run record (a key of the record, or of a phase's data, is wrong:
 * edited by hand, or written by a tdl with another contract) is left out and `onSkip` is told why, so
 * one bad file costs its own run and not the whole history (a worklog, the trend, INDEX.md): a wrong
 * envelope when the folder is read, wrong phase data when the entry's record is first read (see
 * lazyEntry). A torn file (not JSON: a crash while writing) is skipped silently, as before.
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
  const out: { entry: HistoryEntry; startedAt: string }[] = [];
  for (const { n: name } of stamped) {
    if (out.length >= max) break;
    const file = join(dir, name);
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      // The envelope now (what picks the runs); each phase's data when the record is first read.
      const envelope = runRecordSchema.safeParse(value);
      if (!envelope.success) {
        onSkip(file, firstProblem(envelope.error));
        continue;
      }
      const e = envelope.data;
      if (playbookName !== null && e.playbook.name !== playbookName) continue;
      if (e.runId === excludeRunId) continue;
      // A dry run measured nothing: it is never "the previous run" of anything.
      if (e.options.dryRun && !includeDryRuns) continue;
      out.push({ entry: lazyEntry(file, value, e, onSkip), startedAt: e.startedAt });
    } catch {
      // A torn or foreign file is not history.
    }
  }
  return out.sort((a, b) => byNewest(a.startedAt, b.startedAt)).map((o) => o.entry);
}

function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}

/**
 * A history entry whose record is checked phase by phase and migrated (parseStoredRecord) when it is
 * first read, not when the folder is listed: a run reads its few newest twins at start, and most
 * phases read one or two of them, so the ones nobody reads cost no check (the check of a 2,000-test
 * record's data is most of what reading it costs; `node scripts/bench/history.mjs`). A record whose
 * phase data does not match is told to `onSkip` then, and reads as its run without phases (its
 * identity, options and decision only), so a reader sees a run that measured nothing rather than data
 * it cannot trust.
 */
function lazyEntry(
  file: string,
  value: unknown,
  envelope: z.output<typeof runRecordSchema>,
  onSkip: SkippedRecord,
): HistoryEntry {
  let record: RunRecord | undefined;
  return {
    file,
    get record(): RunRecord {
      if (record === undefined) {
        const parsed = parseStoredRecord(value);
        if (!parsed.ok) onSkip(file, parsed.problem);
        const { phases: _unchecked, iterations: _also, ...rest } = envelope;
        record = normalizeReadRecord(parsed.ok ? parsed.record : { ...rest, phases: [] }, file);
      }
      return record;
    },
  };
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
