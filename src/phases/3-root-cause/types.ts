/**
 * Contract of phase 3's data: failure clusters. Phase 6 files one issue per cluster and reads them
 * through `clustersFor`, which works whether or not phase 3 ran.
 */
import { phaseResult, type RunRecord } from '../../pipeline/record.js';
import type { TestStatus } from '../../results/model.js';
import { stableHash } from '../../telemetry/ids.js';
import type { RunTestsData } from '../2-run-tests/types.js';
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
  clusters: FailureCluster[];
  /** Failing tests that were clustered. */
  failingTests?: number;
  /** The tested revisions' own logs and metrics (deployment.ts); absent when no service was tested. */
  deployment?: DeploymentEvidence;
}

/**
 * Clusters of a run: phase 3's when it ran; otherwise one cluster per distinct first line of the
 * failure message (the fallback before phase 3 exists).
 */
export function clustersFor(record: RunRecord): FailureCluster[] {
  const rc = phaseResult<RootCauseData>(record, 'root-cause');
  if (rc?.state === 'completed' && rc.data) return rc.data.clusters;
  const tests = phaseResult<RunTestsData>(record, 'run-tests')?.data;
  const byKey = new Map<string, FailureCluster>();
  for (const suite of tests?.suites ?? []) {
    for (const c of suite.cases) {
      if (c.status !== 'failed' && c.status !== 'errored') continue;
      const message = (c.message ?? c.status).split('\n')[0]!.trim();
      const signature = `${suite.id}\u0000${message}`;
      let cluster = byKey.get(signature);
      if (!cluster) {
        cluster = {
          id: stableHash(signature, 12),
          signature,
          title: message.slice(0, 120),
          message,
          tier: suite.tier,
          tests: [],
          location: null,
        };
        byKey.set(signature, cluster);
      }
      cluster.tests.push({ suiteId: suite.id, group: c.suite, name: c.name, status: c.status });
    }
  }
  return [...byKey.values()];
}
