/** Data that phase 2 (run-tests) leaves in the run record; read by later phases and the worklog. */

import type { Finding } from '../core/record.js';
import type { ExecutionState, Verdict } from '../core/states.js';
import type { Counts, TestCase } from '../results/model.js';
import type { QuarantineData } from './quarantine.js';
import type { HealthData } from './test-health.js';

export interface AttemptResult {
  attempt: number;
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  spawnError?: string;
  /** Span id of the TRACEPARENT this attempt was given (its log entries can carry it). */
  spanId?: string;
  /** Counts of this attempt's report, null when no report could be read. */
  counts: Counts | null;
  reportError?: string;
}

export interface SuiteResult {
  id: string;
  tier: number;
  categories: string[];
  command: string[];
  state: ExecutionState;
  verdict: Verdict;
  reason?: string;
  attempts: AttemptResult[];
  durationMs: number;
  counts: Counts;
  cases: TestCase[];
  report: { path: string; format: string } | null;
  logFile: string | null;
  /** Bounded end of the last attempt's output, ANSI escapes removed. */
  outputTail: string;
  outputBytes: number;
  findings: Finding[];
  /** Failures of quarantined tests not counted in the verdict and the gates (src/history/quarantine.ts). */
  quarantined?: { failed: number; errored: number };
  /** The Cloud Run revision (and URL) of each service this suite ran against, from phase 0. */
  services?: { name: string; url: string | null; revision: string | null; via: 'service' | 'tag' }[];
}

export interface GateResult {
  afterTier: number;
  minPassRate: number;
  passRate: number | null;
  verdict: Verdict;
  reason: string;
}

export interface TierResult {
  tier: number;
  state: ExecutionState;
  reason?: string;
  suites: string[];
  counts: Counts;
  passRate: number | null;
  gate: GateResult | null;
}

export interface RunTestsData {
  tiers: TierResult[];
  suites: SuiteResult[];
  counts: Counts;
  passRate: number | null;
  /** Set when a gate stopped the run: later tiers were skipped. */
  noGo: { afterTier: number; reason: string } | null;
  /** Flaky and broken tests, judged from the history store (absent in records of earlier versions). */
  health?: HealthData;
  /** The playbook's quarantine applied to this run (absent when the playbook has none). */
  quarantine?: QuarantineData;
  /** The playbook's suites, gates and quarantine as this run had them (tests-not-weakened compares). */
  policy?: TestPolicy;
  /** A sharded run (tdl plan / run --shard / merge): per tier, each shard's chunks, wall time, host. */
  sharding?: ShardingData;
  /** Under --dry-run: what would have run. */
  planned?: { id: string; tier: number; command: string[] }[];
}

/** One shard of one tier of a sharded run, as the merge saw it. */
export interface ShardRow {
  index: number;
  /** Chunk ids the plan gave it. */
  chunks: string[];
  /** `missing`: no usable partial arrived for it (its chunks are missing too). */
  state: 'completed' | 'cancelled' | 'missing';
  wallMs: number | null;
  host: string | null;
  plannedMs: number;
}

export interface ShardingData {
  shards: number;
  planDigest: string;
  tiers: {
    tier: number;
    rows: ShardRow[];
    /** Slowest shard's wall time against the mean of the shards that reported; null when none did. */
    balance: { slowestMs: number; meanMs: number; ratio: number } | null;
    /** The plan's own balance (slowest planned shard against the ideal). */
    plannedRatio: number;
  }[];
}

/** The parts of a playbook that decide how much the tests ask. */
export interface TestPolicy {
  suites: { id: string; command: string[]; timeoutMs: number; retries: number }[];
  gates: { afterTier: number; minPassRate: number }[];
  quarantine: string[];
}

/** Suites whose verdict was `fail`, given a run's phase 2 data (for phase 1's ordering). */
export function previousFailingSuites(data: RunTestsData | undefined): Set<string> {
  return new Set((data?.suites ?? []).filter((s) => s.verdict === 'fail').map((s) => s.id));
}
