/**
 * The ports a run uses. Cloud and GitHub clients are created on first use and imported lazily, so
 * commands that do not need them never load `@google-cloud/run` or `@octokit/rest`.
 */

import { UsageError } from '../pipeline/errors.js';
import type { Playbook } from '../playbook/load.js';
import type { CloudRunPort } from './cloudrun/port.js';
import { createGitPort } from './git/index.js';
import type { GitPort } from './git/port.js';
import type { GitHubPort } from './github/port.js';
import { createProcessPort } from './process/index.js';
import type { ProcessPort } from './process/port.js';

export interface Ports {
  process: ProcessPort;
  git: GitPort;
  cloudRun(): Promise<CloudRunPort>;
  github(): Promise<GitHubPort>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export function createPorts(playbook: Playbook, env: NodeJS.ProcessEnv = process.env): Ports {
  return {
    process: createProcessPort(),
    git: createGitPort(),
    cloudRun: once(async () => {
      if (!playbook.gcp) throw new UsageError('ENOGCP', 'the playbook has no gcp section');
      const { createCloudRunPort } = await import('./cloudrun/index.js');
      const endpoint = env.TDL_CLOUDRUN_ENDPOINT;
      return createCloudRunPort(playbook.gcp, endpoint ? { endpoint } : {});
    }),
    github: once(async () => {
      if (!playbook.github) throw new UsageError('ENOGITHUB', 'the playbook has no github section');
      const { createGitHubPort } = await import('./github/index.js');
      return createGitHubPort(playbook.github);
    }),
  };
}
