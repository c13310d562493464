/**
 * Contract of phase 3's data: failure clusters. Phase 6 files one issue per cluster and reads them
 * through `clustersFor` (src/clustering/cluster.ts), which gives the same clusters whether or
 * not phase 3 ran. The deployment evidence (logs and SLOs of the tested revisions) is computed in
 * src/phases/3-root-cause/deployment.ts.
 */

import type { Verdict } from '../core/states.js';
import type { TestStatus } from '../results/model.js';

export interface ClusterTest {
  suiteId: string;
  /** The report's grouping (TestCase.suite). */
  group: string;
  name: string;
  status: TestStatus;
}

export interface FailureCluster {
  /** Stable across runs for the same failure: a hash of the normalized signature. */
  id: string;
  /** The normalized signature text the id was made from. */
  signature: string;
  /** A short human title, e.g. the first line of the error message. */
  title: string;
  /** First line of one representative error message (not normalized). */
  message: string;
  tier: number;
  tests: ClusterTest[];
  /** Top project stack frame, `file:line`, when known. */
  location: string | null;
  /** Exception type named by the stack or message (phase 3 only). */
  exceptionType?: string | null;
  /** Stack of the representative failure (phase 3 only). */
  stack?: string | null;
  /** The evidence chain, link by link (phase 3 only). */
  evidence?: EvidenceLink[];
  /** Output of `analyzer.command` for this cluster, when one is configured (phase 3 only). */
  analysis?: ClusterAnalysis;
}

/** One link of a cluster's evidence chain. `value` null means it could not be established. */
export interface EvidenceLink {
  kind:
    | 'assertion'
    | 'frame'
    | 'last-change'
    | 'first-failed'
    | 'deployed-revision'
    | 'github-issue'
    // An entry of this run's trace logged by the tested revision (src/phases/3-root-cause/deployment.ts).
    | 'revision-log';
  value: string | null;
  /** Where the value comes from (the report, git blame, the worklog history, phase 0, GitHub). */
  source: string;
  /** Why it is unknown, when `value` is null. */
  unknownBecause?: string;
  /** A link target (a worklog, an issue), when there is one. */
  href?: string;
}

export interface ClusterAnalysis {
  command: string[];
  exitCode: number | null;
  timedOut: boolean;
  /** The command's output (markdown), bounded. */
  markdown: string;
  logFile: string;
}

export interface RootCauseData {
  /**
   * The version of the signature rule the clusters were made with (`SIGNATURE_VERSION`); clusters of
   * another version are recomputed from the tests, and issues filed under it are mapped by test ids.
   */
  signatureVersion?: number;
  clusters: FailureCluster[];
  /** Failing tests that were clustered. */
  failingTests?: number;
  /** The tested revisions' own logs and metrics (src/phases/3-root-cause/deployment.ts); absent when no service was tested. */
  deployment?: DeploymentEvidence;
}

export interface TimeWindow {
  /** RFC 3339. */
  start: string;
  end: string;
}

/** Entries of one signature read from a revision. */
export interface LogGroup {
  /** The normalized first line of the message (numbers, ids, quoted values masked). */
  signature: string;
  count: number;
  /** The highest severity in the group. */
  severity: string;
  first: string;
  last: string;
  /** One message of the group, first line, bounded (redacted where text leaves the process). */
  example: string;
  sourceLocation: string | null;
  /** Trace and span of the example. */
  trace: string | null;
  spanId: string | null;
  /** Entries of the group that carry this run's trace. */
  correlated: number;
}

export interface LogRead {
  revision: string;
  window: TimeWindow;
  filter: string;
  /** read: the query answered; otherwise what stopped it (the link is inconclusive). */
  state: 'read' | 'unavailable' | 'timed-out';
  reason: string;
  /** What to do about it (the role to grant), when it was not read. */
  hint?: string;
  entries: number;
  pages: number;
  truncated: boolean;
  groups: LogGroup[];
}

export interface ServiceLogs extends LogRead {
  service: string;
  /** The serving (or previous) revision's read over a window of the same length, for `no-new-errors`. */
  baseline: (LogRead & { why: string }) | null;
  /** Why there is no baseline, when there is none. */
  noBaseline?: string;
  /** Signatures the tested revision logged and the baseline did not (only when the baseline was read). */
  newSignatures?: string[];
}

/** One entry of this run's trace, attached (when it could be) to the suite that caused it. */
export interface CorrelatedEntry {
  service: string;
  revision: string;
  timestamp: string;
  severity: string;
  message: string;
  sourceLocation: string | null;
  trace: string;
  spanId: string | null;
  suiteId: string | null;
  attempt: number | null;
  /**
   * How the entry was attributed: the span of one test (the test named its own traceparent in its
   * report), the span of a suite attempt (the TRACEPARENT tdl gave it), or the only suite attempt
   * running at that time.
   */
  via: 'test' | 'span' | 'time' | null;
  /** The test whose own span the entry carries (`via: test`): its report grouping and name. */
  test?: { group: string; name: string };
  clusterIds: string[];
}

export type SloIndicator = 'error-rate' | 'p50' | 'p95' | 'p99';

/** One metric band of one service, measured. `warning` is shown and does not block. */
export interface SloVerdict {
  service: string;
  revision: string;
  indicator: SloIndicator;
  verdict: Verdict | 'warning';
  /** Measured value (a ratio for error-rate, ms for latencies); null when there was no data. */
  value: number | null;
  /** The baseline's value for relative bounds. */
  baseline?: number | null;
  /** The bound as written (`< 1%`), and the one it was judged by when a warning. */
  bound: string;
  window: TimeWindow;
  /** `demo-backend: 5xx 5.0% > 1%`: the line the criterion and the headline show. */
  text: string;
}

export interface DeploymentEvidence {
  window: TimeWindow;
  traceId: string;
  logs: ServiceLogs[];
  correlated: CorrelatedEntry[];
  /** Entries of this run's trace beyond the ones kept in `correlated`. */
  correlatedDropped?: number;
  correlation: {
    failingTests: number;
    /**
     * Failing tests with at least one entry of this run's trace: carrying the test's own span, or, for
     * a test that named no span, from its own suite.
     */
    correlatedTests: number;
    /** Of correlatedTests, the ones tied by their own span (per test, not per suite). */
    ownSpanTests?: number;
    /** correlatedTests / failingTests; null when no test failed or no log was read. */
    rate: number | null;
    /** Entries read that carry another trace or none (never attached). */
    otherEntries: number;
  };
  slo: SloVerdict[];
}
