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
}

export function phaseResult<T>(record: RunRecord, id: PhaseId): PhaseResult<T> | undefined {
  return record.phases.find((p) => p.id === id) as PhaseResult<T> | undefined;
}
