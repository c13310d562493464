/**
 * The run record: what a run did, phase by phase. It is persisted after every phase, printed by
 * `--json`, and is the only source of every number in the worklog.
 */
import type { Decision, ExecutionState, Verdict } from './states.js';

/** Bumped when the record changes incompatibly. */
export const RUN_RECORD_SCHEMA_VERSION = 1;

export const PHASE_IDS = [
  'deploy-status',
  'select-tests',
  'run-tests',
  'root-cause',
  'compliance',
  'stability',
  'publish',
] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export type Severity = 'info' | 'warning' | 'error';

/** Something a phase noticed that a reader should see (authenticity problems, notes, hints). */
export interface Finding {
  /** Stable kind, e.g. `zero-tests`, `exit-code-mismatch`. */
  kind: string;
  severity: Severity;
  message: string;
  /** What it is about: a suite id, a test, a file, a service. */
  subject?: string;
}

export interface PhaseError {
  code: string;
  message: string;
  exitCode: number;
}

export interface PhaseResult<T = unknown> {
  id: PhaseId;
  index: number;
  title: string;
  state: ExecutionState;
  verdict?: Verdict;
  /** Why the phase was skipped, errored or cancelled; a one-line summary otherwise. */
  reason?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  data?: T;
  findings: Finding[];
  error?: PhaseError;
}

export interface RunOptions {
  focus: string;
  deploy: boolean;
  dryRun: boolean;
  publish: 'github' | 'outbox' | 'none' | 'auto';
  only: PhaseId[] | null;
  untilGreen: boolean;
  maxIterations: number;
}

export interface DecisionRecord {
  decision: Decision;
  reasons: string[];
}

/** What ran between two iterations of `--until-green`. */
export interface RemediationRecord {
  command: string[];
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  spawnError?: string;
  durationMs: number;
  logFile: string;
  /** The JSON file with the clusters the command was given (`TDL_CLUSTERS_FILE`). */
  clustersFile: string;
}

/** One pass through the phases of an `--until-green` run. */
export interface IterationRecord {
  iteration: number;
  startedAt: string;
  endedAt: string;
  /** HEAD of the repository under test when the iteration started. */
  commit: string | null;
  dirty: boolean | null;
  /** The phases as they ended in this iteration. */
  phases: PhaseResult[];
  decision: DecisionRecord | null;
  /** Failing and erroring tests, `suite › group › name`, sorted. */
  failing: string[];
  /** Set when remediation ran after this iteration. */
  remediation?: RemediationRecord;
}

export const LOOP_STOPS = ['green', 'max-iterations', 'no-progress', 'interrupted', 'no-decision'] as const;
export type LoopStop = (typeof LOOP_STOPS)[number];

/** The `--until-green` loop: why it stopped. */
export interface LoopRecord {
  maxIterations: number;
  stop: LoopStop | null;
  stopReason: string | null;
}

export interface RunRecord {
  schemaVersion: number;
  runId: string;
  tool: { name: string; version: string };
  playbook: { name: string; file: string };
  repo: { dir: string; commit: string | null; branch: string | null; dirty: boolean | null };
  options: RunOptions;
  /** `.tdl/runs/<runId>/`: raw outputs, reports, run.log. */
  runDir: string;
  /** Names (never values) of the env vars whose values are redacted: the playbook's `redact.env`. */
  redactEnv: string[];
  state: ExecutionState;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  phases: PhaseResult[];
  /** null until phase 5 has decided. */
  decision: DecisionRecord | null;
  exitCode?: number;
  worklog?: { markdown: string; json: string };
  /**
   * `--until-green` only: every iteration, oldest first (the last one's phases are also `phases`),
   * and why the loop stopped. Absent on a single run.
   */
  iterations?: IterationRecord[];
  loop?: LoopRecord;
}

export function phaseResult<T>(record: RunRecord, id: PhaseId): PhaseResult<T> | undefined {
  return record.phases.find((p) => p.id === id) as PhaseResult<T> | undefined;
}
