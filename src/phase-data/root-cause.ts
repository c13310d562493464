/**
 * Contract of phase 3's data: failure clusters. Phase 6 files one issue per cluster and reads them
 * through `clustersFor` (src/clustering/cluster.ts), which gives the same clusters whether or
 * not phase 3 ran. The deployment evidence (logs and SLOs of the tested revisions) is computed in
 * src/phases/3-root-cause/deployment.ts.
 */

import * as z from 'zod';
import { testStatusSchema, verdictSchema } from './shared.js';

export const clusterTestSchema = z.object({
  suiteId: z.string(),
  /** The report's grouping (TestCase.suite). */
  group: z.string(),
  name: z.string(),
  status: testStatusSchema,
});
export type ClusterTest = z.output<typeof clusterTestSchema>;

/** One link of a cluster's evidence chain. `value` null means it could not be established. */
export const evidenceLinkSchema = z.object({
  kind: z.enum([
    'assertion',
    'frame',
    'last-change',
    'first-failed',
    'deployed-revision',
    'github-issue',
    // An entry of this run's trace logged by the tested revision (src/phases/3-root-cause/deployment.ts).
    'revision-log',
  ]),
  value: z.string().nullable(),
  /** Where the value comes from (the report, git blame, the worklog history, phase 0, GitHub). */
  source: z.string(),
  /** Why it is unknown, when `value` is null. */
  unknownBecause: z.string().optional(),
  /** A link target (a worklog, an issue), when there is one. */
  href: z.string().optional(),
});
export type EvidenceLink = z.output<typeof evidenceLinkSchema>;

export const clusterAnalysisSchema = z.object({
  command: z.array(z.string()),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  /** The command's output (markdown), bounded. */
  markdown: z.string(),
  logFile: z.string(),
});
export type ClusterAnalysis = z.output<typeof clusterAnalysisSchema>;

export const failureClusterSchema = z.object({
  /** Stable across runs for the same failure: a hash of the normalized signature. */
  id: z.string(),
  /** The normalized signature text the id was made from. */
  signature: z.string(),
  /** A short human title, e.g. the first line of the error message. */
  title: z.string(),
  /** First line of one representative error message (not normalized). */
  message: z.string(),
  tier: z.number(),
  tests: z.array(clusterTestSchema),
  /** Top project stack frame, `file:line`, when known. */
  location: z.string().nullable(),
  /**
   * When its tests broke with one change: they last passed at `from`, started failing at `to` (null:
   * the run's working tree), and the code changed between is one hunk of `file`.
   */
  change: z.object({ file: z.string(), from: z.string(), to: z.string().nullable() }).optional(),
  /** Exception type named by the stack or message (phase 3 only). */
  exceptionType: z.string().nullable().optional(),
  /** Stack of the representative failure (phase 3 only). */
  stack: z.string().nullable().optional(),
  /** The evidence chain, link by link (phase 3 only). */
  evidence: z.array(evidenceLinkSchema).optional(),
  /** Output of `analyzer.command` for this cluster, when one is configured (phase 3 only). */
  analysis: clusterAnalysisSchema.optional(),
});
export type FailureCluster = z.output<typeof failureClusterSchema>;

export const timeWindowSchema = z.object({
  /** RFC 3339. */
  start: z.string(),
  end: z.string(),
});
export type TimeWindow = z.output<typeof timeWindowSchema>;

/** Entries of one signature read from a revision. */
export const logGroupSchema = z.object({
  /** The normalized first line of the message (numbers, ids, quoted values masked). */
  signature: z.string(),
  count: z.number(),
  /** The highest severity in the group. */
  severity: z.string(),
  first: z.string(),
  last: z.string(),
  /** One message of the group, first line, bounded (redacted where text leaves the process). */
  example: z.string(),
  sourceLocation: z.string().nullable(),
  /** Trace and span of the example. */
  trace: z.string().nullable(),
  spanId: z.string().nullable(),
  /** Entries of the group that carry this run's trace. */
  correlated: z.number(),
});
export type LogGroup = z.output<typeof logGroupSchema>;

export const logReadSchema = z.object({
  revision: z.string(),
  window: timeWindowSchema,
  filter: z.string(),
  /** read: the query answered; otherwise what stopped it (the link is inconclusive). */
  state: z.enum(['read', 'unavailable', 'timed-out']),
  reason: z.string(),
  /** What to do about it (the role to grant), when it was not read. */
  hint: z.string().optional(),
  entries: z.number(),
  pages: z.number(),
  truncated: z.boolean(),
  groups: z.array(logGroupSchema),
});
export type LogRead = z.output<typeof logReadSchema>;

export const serviceLogsSchema = logReadSchema.extend({
  service: z.string(),
  /** The serving (or previous) revision's read over a window of the same length, for `no-new-errors`. */
  baseline: logReadSchema.extend({ why: z.string() }).nullable(),
  /** Why there is no baseline, when there is none. */
  noBaseline: z.string().optional(),
  /** Signatures the tested revision logged and the baseline did not (only when the baseline was read). */
  newSignatures: z.array(z.string()).optional(),
});
export type ServiceLogs = z.output<typeof serviceLogsSchema>;

/** One entry of this run's trace, attached (when it could be) to the suite that caused it. */
export const correlatedEntrySchema = z.object({
  service: z.string(),
  revision: z.string(),
  timestamp: z.string(),
  severity: z.string(),
  message: z.string(),
  sourceLocation: z.string().nullable(),
  trace: z.string(),
  spanId: z.string().nullable(),
  suiteId: z.string().nullable(),
  attempt: z.number().nullable(),
  /**
   * How the entry was attributed: the span of one test (the test named its own traceparent in its
   * report), the span of a suite attempt (the TRACEPARENT tdl gave it), or the only suite attempt
   * running at that time.
   */
  via: z.enum(['test', 'span', 'time']).nullable(),
  /** The test whose own span the entry carries (`via: test`): its report grouping and name. */
  test: z.object({ group: z.string(), name: z.string() }).optional(),
  clusterIds: z.array(z.string()),
});
export type CorrelatedEntry = z.output<typeof correlatedEntrySchema>;

export const sloIndicatorSchema = z.enum(['error-rate', 'p50', 'p95', 'p99']);
export type SloIndicator = z.output<typeof sloIndicatorSchema>;

/** One metric band of one service, measured. `warning` is shown and does not block. */
export const sloVerdictSchema = z.object({
  service: z.string(),
  revision: z.string(),
  indicator: sloIndicatorSchema,
  verdict: z.union([verdictSchema, z.literal('warning')]),
  /** Measured value (a ratio for error-rate, ms for latencies); null when there was no data. */
  value: z.number().nullable(),
  /** The baseline's value for relative bounds. */
  baseline: z.number().nullable().optional(),
  /** The bound as written (`< 1%`), and the one it was judged by when a warning. */
  bound: z.string(),
  window: timeWindowSchema,
  /** `demo-backend: 5xx 5.0% > 1%`: the line the criterion and the headline show. */
  text: z.string(),
});
export type SloVerdict = z.output<typeof sloVerdictSchema>;

export const deploymentEvidenceSchema = z.object({
  window: timeWindowSchema,
  traceId: z.string(),
  logs: z.array(serviceLogsSchema),
  correlated: z.array(correlatedEntrySchema),
  /** Entries of this run's trace beyond the ones kept in `correlated`. */
  correlatedDropped: z.number().optional(),
  correlation: z.object({
    failingTests: z.number(),
    /**
     * Failing tests with at least one entry of this run's trace: carrying the test's own span, or, for
     * a test that named no span, from its own suite.
     */
    correlatedTests: z.number(),
    /** Of correlatedTests, the ones tied by their own span (per test, not per suite). */
    ownSpanTests: z.number().optional(),
    /** correlatedTests / failingTests; null when no test failed or no log was read. */
    rate: z.number().nullable(),
    /** Entries read that carry another trace or none (never attached). */
    otherEntries: z.number(),
  }),
  slo: z.array(sloVerdictSchema),
});
export type DeploymentEvidence = z.output<typeof deploymentEvidenceSchema>;

/** Phase 3's data. */
export const rootCauseDataSchema = z.object({
  /**
   * The version of the signature rule the clusters were made with (`SIGNATURE_VERSION`); clusters of
   * another version are recomputed from the tests, and issues filed under it are mapped by test ids.
   */
  signatureVersion: z.number().optional(),
  clusters: z.array(failureClusterSchema),
  /** Failing tests that were clustered. */
  failingTests: z.number().optional(),
  /** The tested revisions' own logs and metrics (src/phases/3-root-cause/deployment.ts); absent when no service was tested. */
  deployment: deploymentEvidenceSchema.optional(),
});
export type RootCauseData = z.output<typeof rootCauseDataSchema>;
