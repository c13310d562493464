/** Cloud Run failures in our terms: what went wrong, and what the user can do about it. */
import { type ErrorCode, InfraError } from '../../core/errors.js';

export type CloudRunErrorKind = 'not-found' | 'permission' | 'unavailable' | 'other';

/** gRPC status codes we act on (google.rpc.Code). */
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;

const CODES: Record<CloudRunErrorKind, ErrorCode> = {
  'not-found': 'ECLOUDRUN_NOT_FOUND',
  permission: 'ECLOUDRUN_PERMISSION',
  unavailable: 'ECLOUDRUN_UNAVAILABLE',
  other: 'ECLOUDRUN_OTHER',
};

export class CloudRunError extends InfraError {
  readonly kind: CloudRunErrorKind;
  constructor(kind: CloudRunErrorKind, message: string, hint?: string, cause?: unknown) {
    super(CODES[kind], message, hint, cause);
    this.kind = kind;
  }
}

export interface ErrorScope {
  project: string;
  region: string;
  service: string;
  /** What was being done, e.g. `reading service backend`. */
  action: string;
  /** What was not found when it is not the service itself, e.g. `revision backend-00042-xyz`. */
  resource?: string;
}

/** Maps an error thrown by the client library (gRPC status, auth library) to a CloudRunError. */
export function mapCloudRunError(error: unknown, scope: ErrorScope, attempts = 1): CloudRunError {
  if (error instanceof CloudRunError) return error;
  const code =
    typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : null;
  const raw = error instanceof Error ? error.message : String(error);
  const detail = ((error as { details?: string })?.details || raw).split('\n')[0]!.slice(0, 300);
  const where = `project ${scope.project} region ${scope.region}`;
  if (code === NOT_FOUND) {
    return new CloudRunError(
      'not-found',
      `${scope.resource ? `${scope.resource} of ` : ''}service ${scope.service} not found in ${where}`,
      `check services[].name, gcp.project and gcp.region (gcloud run services list --project ${scope.project} --region ${scope.region})`,
      error,
    );
  }
  const adcMissing = /default credentials|could not load the default|metadata/i.test(raw) && code === null;
  if (code === PERMISSION_DENIED || code === UNAUTHENTICATED || adcMissing) {
    return new CloudRunError(
      'permission',
      `${scope.action}: ${code === UNAUTHENTICATED || adcMissing ? 'not authenticated' : 'permission denied'} (${detail})`,
      `tdl uses Application Default Credentials: run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS; the account needs roles/run.viewer on project ${scope.project} (roles/run.developer to tag revisions)`,
      error,
    );
  }
  if (code === UNAVAILABLE || code === DEADLINE_EXCEEDED) {
    return new CloudRunError(
      'unavailable',
      `${scope.action}: Cloud Run unreachable after ${attempts} attempt(s) (${detail})`,
      'check the network and https://status.cloud.google.com; retry settings: gcp.retries, gcp.backoff, gcp.callTimeout',
      error,
    );
  }
  return new CloudRunError('other', `${scope.action}: ${detail}`, undefined, error);
}

/** True for errors worth another attempt. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === UNAVAILABLE || code === DEADLINE_EXCEEDED;
}
