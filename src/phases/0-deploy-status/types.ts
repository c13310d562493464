/**
 * Contract of phase 0's data in the run record (read by phase 5's `deployment-healthy` and by the
 * worklog). The phase 0 work may add fields; it keeps these.
 */
import type { Verdict } from '../../pipeline/states.js';

export interface ServiceStatus {
  name: string;
  /** pass: ready, fresh and serving; fail: stale, not ready or missing; inconclusive: could not be read. */
  verdict: Verdict;
  reason: string;
  url: string | null;
  latestReadyRevision: string | null;
  latestCreatedRevision: string | null;
}

export interface DeployStatusData {
  services: ServiceStatus[];
}
