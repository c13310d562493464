/**
 * Contract of phase 3's data: failure clusters. Phase 6 files one issue per cluster and reads them
 * through `clustersFor` (cluster.ts), which gives the same clusters whether or not phase 3 ran.
 */
import type { TestStatus } from '../../results/model.js';
import type { DeploymentEvidence } from './deployment.js';

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
    // An entry of this run's trace logged by the tested revision (deployment.ts).
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
  /** The tested revisions' own logs and metrics (deployment.ts); absent when no service was tested. */
  deployment?: DeploymentEvidence;
}

// The one clustering function (phase 3's signature) lives in cluster.ts; re-exported for readers.
export { clustersFor } from './cluster.js';
