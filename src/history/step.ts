/**
 * The history step of a run: what it reads of the earlier runs when it starts, and what it adds when
 * it ends. Neither grows with the number of earlier runs: a few newest JSON twins (and the newest run
 * on the base branch), the store's run entries, and the last runs' per-test outcomes.
 * `scripts/bench/history.mjs` measures exactly these two functions.
 */
import { join } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { baseBranch } from '../playbook/base.js';
import type { Playbook } from '../playbook/load.js';
import type { Redactor } from '../telemetry/redact.js';
import type { HistoryEntry } from '../worklog/history.js';
import {
  byNewest,
  readHistory,
  readHistoryFile,
  type SkippedRecord,
  warnSkipped,
} from '../worklog/history.js';
import { writeIndex } from '../worklog/write.js';
import type { RunEntry, TestHistory } from './model.js';
import { appendRun, readRunEntries, readTestHistory } from './store.js';

/** Full earlier records a run reads (the previous runs; the base-branch run is added, see addBaseRun). */
const HISTORY_RECORDS = 3;
/** Store entries a run reads: the worklog's trend and finding the base-branch run. */
const EARLIER_ENTRIES = 200;
/** Earlier runs whose per-test outcomes a run reads (at least; `flaky.window` may ask more). */
export const HISTORY_WINDOW = 50;
/** Runs listed in INDEX.md. */
const INDEX_RUNS = 1000;

type HistoryPlaybook = Pick<Playbook, 'worklogDir' | 'name' | 'decision' | 'github' | 'flaky'>;

/**
 * The newest earlier run on the base branch that ran tests (phase 5 compares with it), when it is not
 * among the newest records read: found in the store's entries, then its twin alone is read.
 */
function addBaseRun(
  history: HistoryEntry[],
  earlier: readonly RunEntry[],
  playbook: HistoryPlaybook,
  onSkip: SkippedRecord,
): void {
  const base = baseBranch(playbook);
  const entry = earlier.find((e) => e.tests && !e.dryRun && e.branch === base);
  if (!entry?.row.worklog || history.some((h) => h.record.runId === entry.run)) return;
  const found = readHistoryFile(
    join(playbook.worklogDir, entry.row.worklog.replace(/\.md$/, '.json')),
    onSkip,
  );
  if (found) {
    history.push(found);
    history.sort((a, b) => byNewest(a.record.startedAt, b.record.startedAt));
  }
}

export interface LoadedHistory {
  /** Newest full records of the playbook (phases 1, 3, 4, 5). */
  history: HistoryEntry[];
  /** Store entries of the playbook, newest first (the worklog's trend). */
  earlier: RunEntry[];
  /** Per-test outcomes of the last runs. */
  testHistory: TestHistory;
}

/**
 * What a run reads of the earlier runs of its playbook when it starts. An earlier record that is not
 * valid is left out and `onSkip` is told (see readHistory).
 */
export function loadHistory(
  playbook: HistoryPlaybook,
  runId: string,
  onSkip: SkippedRecord = warnSkipped,
): LoadedHistory {
  const dir = playbook.worklogDir;
  const history = readHistory(dir, playbook.name, runId, HISTORY_RECORDS, false, onSkip);
  const earlier = readRunEntries(dir, EARLIER_ENTRIES, playbook.name).filter((e) => e.run !== runId);
  addBaseRun(history, earlier, playbook, onSkip);
  const window = Math.max(
    HISTORY_WINDOW,
    playbook.flaky.window,
    playbook.flaky.broken.after,
    playbook.github?.closeAfter ?? 0,
  );
  return { history, earlier, testHistory: readTestHistory(dir, playbook.name, window, runId) };
}

/** What a finished run adds: its line in the store, then INDEX.md from the store's entries. */
export function recordRun(worklogDir: string, record: RunRecord, redactor: Redactor): void {
  appendRun(worklogDir, record);
  writeIndex(worklogDir, readRunEntries(worklogDir, INDEX_RUNS), redactor);
}
