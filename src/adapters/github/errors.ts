/** GitHub failures as tdl errors: octokit's errors are mapped to these at the adapter boundary. */
import { InfraError } from '../../core/errors.js';

export class GitHubError extends InfraError {
  /** HTTP status, 0 when no answer came back (connection refused or dropped). */
  readonly status: number;
  /** Whether the request may have had no effect and can be tried again. */
  readonly transient: boolean;
  constructor(status: number, message: string, hint?: string, cause?: unknown) {
    super(status === 401 ? 'EGITHUBAUTH' : 'EGITHUB', message, hint, cause);
    this.status = status;
    this.transient = status === 0 || status >= 500 || status === 403 || status === 429;
  }
}

/** Whether a 422 answer says the thing already exists (a label, a pull request for the branch). */
export function isAlreadyExists(error: unknown): boolean {
  return error instanceof GitHubError && error.status === 422 && /already.exists/i.test(error.message);
}
