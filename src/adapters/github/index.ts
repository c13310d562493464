/** The GitHubPort on `@octokit/rest`, loaded lazily. Not built in this version. */
import { NotBuiltError } from '../../pipeline/errors.js';
import type { GitHubConfig } from '../../playbook/sections/github.js';
import type { GitHubPort } from './port.js';

export type { GitHubPort } from './port.js';

export async function createGitHubPort(_github: GitHubConfig): Promise<GitHubPort> {
  throw new NotBuiltError('the GitHub adapter');
}
