/** What a phase gets: the RunContext. No global state; everything comes in through here. */
import type { Ports } from '../adapters/index.js';
import type { RunPaths } from '../core/paths.js';
import type { PhaseId, PhaseResult, RunOptions, RunRecord } from '../core/record.js';
import type { TestHistory } from '../history/model.js';
import type { Playbook } from '../playbook/load.js';
import type { Clock } from '../telemetry/clock.js';
import type { Logger } from '../telemetry/logger.js';
import type { Redactor } from '../telemetry/redact.js';
import type { HistoryEntry } from '../worklog/history.js';
import type { BaseCommit } from './base.js';

/** Live progress for the terminal; the record and the log are the lasting account. */
export interface ProgressReporter {
  /** The run holds the lock and starts (or resumes) from `startPhase`; optional. */
  runStarted?(runId: string, startPhase: PhaseId | null): void;
  phaseStarted(id: PhaseId, title: string): void;
  phaseEnded(result: PhaseResult): void;
  suiteStarted(suiteId: string, tier: number, attempt: number): void;
  suiteEnded(suiteId: string, summary: string, ok: boolean): void;
  close(): void;
}

export const silentReporter: ProgressReporter = {
  phaseStarted() {},
  phaseEnded() {},
  suiteStarted() {},
  suiteEnded() {},
  close() {},
};

export interface RunContext {
  runId: string;
  playbook: Playbook;
  options: RunOptions;
  /** Scoped to the current phase: every record carries runId and phase. */
  logger: Logger;
  clock: Clock;
  redactor: Redactor;
  paths: RunPaths;
  ports: Ports;
  /** The record so far: results of earlier phases. */
  record: RunRecord;
  /** Earlier runs of this playbook, newest first (the newest few full records). */
  history: HistoryEntry[];
  /** Per-test outcomes of the last runs of this playbook, from the history store. */
  testHistory: TestHistory;
  signal: AbortSignal;
  progress: ProgressReporter;
  /** The environment handed to child processes (before per-phase additions). */
  env: NodeJS.ProcessEnv;
  /**
   * This pass's lookup of the base commit, one per pass, started by the runner when the pass's first
   * command has started, or by the first call (phases/base.ts `baseCommit` calls it); absent, the
   * lookup runs when a phase asks.
   */
  baseCommit?: () => Promise<BaseCommit>;
}
