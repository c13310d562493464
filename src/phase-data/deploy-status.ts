/**
 * Contract of phase 0's data in the run record (read by phase 5's `deployment-healthy` and by the
 * worklog). The phase 0 work may add fields; it keeps these.
 */
import type { CloudRunCondition, TrafficEntry } from '../adapters/cloudrun/port.js';
import type { Verdict } from '../core/states.js';

/** What was found, in one word: the row's headline in the worklog and `tdl status`. */
export type ServiceKind =
  | 'healthy'
  | 'stale'
  | 'not-ready'
  | 'failed-revision'
  | 'no-traffic'
  | 'not-found'
  | 'unreadable';

/** The URL and revision the test suites are bound to for one service. */
export interface ServiceTarget {
  url: string | null;
  revision: string | null;
  /** `tag`: the tagged URL of a just-deployed revision; `service`: the service's main URL. */
  via: 'service' | 'tag';
}

/** A deploy run by phase 0 (or, under --dry-run / `tdl status`, the one it would run). */
export interface DeployRecord {
  command: string[];
  /** planned: not run (dry run or `tdl status`); ready: a new revision is Ready; the rest: it failed. */
  outcome: 'planned' | 'ready' | 'failed-revision' | 'timeout' | 'command-failed';
  message: string;
  exitCode: number | null;
  /** Duration of the command itself. */
  durationMs: number | null;
  /** Time spent polling for the new revision after the command. */
  waitMs: number | null;
  polls: number;
  logFile: string | null;
  /** Latest created revision before the deploy. */
  oldRevision: string | null;
  /** The revision the deploy created (null if none appeared). */
  newRevision: string | null;
  /** The traffic tag given to the new revision (`tagRevision: true`). */
  tag: string | null;
}

export interface ServiceStatus {
  name: string;
  /** pass: ready, fresh and serving; fail: stale, not ready or missing; inconclusive: could not be read. */
  verdict: Verdict;
  reason: string;
  url: string | null;
  latestReadyRevision: string | null;
  latestCreatedRevision: string | null;
  kind?: ServiceKind;
  /** What to do about it (null when healthy). */
  action?: string | null;
  /** Create time of the latest ready revision, and its age when it was checked. */
  readyCreateTime?: string | null;
  readyAgeMs?: number | null;
  freshWithinMs?: number;
  stale?: boolean;
  /** The service's Ready condition (it reflects the latest created revision). */
  condition?: CloudRunCondition | null;
  /** Ready condition of the latest created revision, when it is not the ready one. */
  createdCondition?: CloudRunCondition | null;
  traffic?: TrafficEntry[];
  deploy?: DeployRecord | null;
  target?: ServiceTarget | null;
  /** Error code when the service could not be read (ECLOUDRUN_...). */
  errorCode?: string | null;
}

export interface DeployStatusData {
  services: ServiceStatus[];
  /** Where Cloud Run was read: `run.googleapis.com` or an emulator's host:port. */
  target?: string;
  project?: string;
  region?: string;
  checkedAt?: string;
}

/** `TDL_SERVICE_<NAME>_` prefix: the name upper-cased, `-` (and any non-alphanumeric) as `_`. */
export function serviceEnvPrefix(name: string): string {
  return `TDL_SERVICE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** The per-service targets phase 0 recorded (empty when phase 0 has none): give it phase 0's data. */
export function serviceTargets(
  data: DeployStatusData | undefined,
): { name: string; target: ServiceTarget }[] {
  return (data?.services ?? []).flatMap((s) => (s.target ? [{ name: s.name, target: s.target }] : []));
}

/** Environment for test suites: `TDL_SERVICE_<NAME>_URL` and `TDL_SERVICE_<NAME>_REVISION` per service. */
export function serviceEnv(
  targets: readonly { name: string; target: ServiceTarget }[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name, target } of targets) {
    if (target.url) env[`${serviceEnvPrefix(name)}URL`] = target.url;
    if (target.revision) env[`${serviceEnvPrefix(name)}REVISION`] = target.revision;
  }
  return env;
}
