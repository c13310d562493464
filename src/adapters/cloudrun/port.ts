/** Reading Cloud Run services and revisions, and tagging a revision: the CloudRunPort. */

/** A condition as Cloud Run reports it (`Ready` on a service or revision). */
export interface CloudRunCondition {
  type: string;
  /** `CONDITION_SUCCEEDED`, `CONDITION_FAILED`, `CONDITION_RECONCILING`, `CONDITION_PENDING`, ... */
  state: string;
  reason: string | null;
  message: string;
  lastTransitionTime: string | null;
}

/** One entry of a service's traffic split, as serving (from `traffic_statuses`). */
export interface TrafficEntry {
  /** Short revision name; for a "latest" entry, the revision it resolves to (null if none is ready). */
  revision: string | null;
  percent: number;
  /** True when the entry follows the latest ready revision rather than naming one. */
  latest: boolean;
  tag: string | null;
  /** The tag's own URL (only for tagged entries). */
  uri: string | null;
}

export interface RevisionInfo {
  /** Short name, e.g. `backend-00042-xyz`. */
  name: string;
  createTime: string | null;
  /** The revision's `Ready` condition, null when it has none yet. */
  ready: CloudRunCondition | null;
}

export interface ServiceInfo {
  /** Short name. */
  name: string;
  uri: string | null;
  /** Short names; null when there is none. */
  latestCreatedRevision: string | null;
  latestReadyRevision: string | null;
  terminalCondition: CloudRunCondition | null;
  traffic: TrafficEntry[];
  reconciling: boolean;
}

export interface CloudRunPort {
  /** Where the port talks to: `run.googleapis.com` or the emulator's host:port. */
  readonly target: string;
  getService(service: string): Promise<ServiceInfo>;
  getRevision(service: string, revision: string): Promise<RevisionInfo>;
  /** Newest first. */
  listRevisions(service: string): Promise<RevisionInfo[]>;
  /**
   * Adds a traffic tag on `revision` with 0% of traffic (the split is unchanged) and waits for the
   * operation; returns the service as it is afterwards.
   */
  tagRevision(service: string, revision: string, tag: string): Promise<ServiceInfo>;
  close(): Promise<void>;
}
