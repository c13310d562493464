/**
 * Cloud Logging and Cloud Monitoring failures in our terms. They never end a run: the phase that
 * reads logs or metrics records the link as `inconclusive` with this message and hint (the role to
 * grant, when it is a permission).
 */
import { type ErrorCode, InfraError } from '../../core/errors.js';

export type ObservabilityApi = 'logging' | 'monitoring';
export type ObservabilityErrorKind = 'permission' | 'unavailable' | 'invalid' | 'other';

/** The role that lets an account read each API. */
export const VIEWER_ROLE: Record<ObservabilityApi, string> = {
  logging: 'roles/logging.viewer',
  monitoring: 'roles/monitoring.viewer',
};

const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

const CODES: Record<ObservabilityApi, Record<ObservabilityErrorKind, ErrorCode>> = {
  logging: {
    permission: 'ELOGGING_PERMISSION',
    unavailable: 'ELOGGING_UNAVAILABLE',
    invalid: 'ELOGGING_INVALID',
    other: 'ELOGGING_OTHER',
  },
  monitoring: {
    permission: 'EMONITORING_PERMISSION',
    unavailable: 'EMONITORING_UNAVAILABLE',
    invalid: 'EMONITORING_INVALID',
    other: 'EMONITORING_OTHER',
  },
};

export class ObservabilityError extends InfraError {
  readonly kind: ObservabilityErrorKind;
  readonly api: ObservabilityApi;
  constructor(
    api: ObservabilityApi,
    kind: ObservabilityErrorKind,
    message: string,
    hint?: string,
    cause?: unknown,
  ) {
    super(CODES[api][kind], message, hint, cause);
    this.kind = kind;
    this.api = api;
  }
}

/** Maps a client library error (gRPC status, auth library) to an ObservabilityError. */
export function mapObservabilityError(
  api: ObservabilityApi,
  project: string,
  action: string,
  error: unknown,
): ObservabilityError {
  if (error instanceof ObservabilityError) return error;
  const code =
    typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : null;
  const raw = error instanceof Error ? error.message : String(error);
  const detail = ((error as { details?: string })?.details || raw).split('\n')[0]!.slice(0, 300);
  const adcMissing = code === null && /default credentials|could not load the default|metadata/i.test(raw);
  if (code === PERMISSION_DENIED || code === UNAUTHENTICATED || adcMissing) {
    return new ObservabilityError(
      api,
      'permission',
      `${action}: ${code === PERMISSION_DENIED ? 'permission denied' : 'not authenticated'} (${detail})`,
      `grant ${VIEWER_ROLE[api]} on project ${project} to the account tdl runs as (Application Default Credentials: gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS)`,
      error,
    );
  }
  if (code === UNAVAILABLE || code === DEADLINE_EXCEEDED)
    return new ObservabilityError(
      api,
      'unavailable',
      `${action}: ${api} API unreachable or too slow (${detail})`,
      undefined,
      error,
    );
  if (code === INVALID_ARGUMENT)
    return new ObservabilityError(
      api,
      'invalid',
      `${action}: the API rejected the query (${detail})`,
      'check services[].logs.filter',
      error,
    );
  return new ObservabilityError(api, 'other', `${action}: ${detail}`, undefined, error);
}
