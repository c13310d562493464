/**
 * The ports a run uses. Cloud and GitHub clients are created on first use and imported lazily, so
 * commands that do not need them never load `@google-cloud/run` or `@octokit/rest`.
 */

import { UsageError } from '../core/errors.js';
import type { Playbook } from '../playbook/load.js';
import type { CloudRunPort } from './cloudrun/port.js';
import { createGitPort } from './git/index.js';
import type { GitPort } from './git/port.js';
import type { GitHubPort } from './github/port.js';
import type { LogsPort, MetricsPort } from './observability/port.js';
import { createProcessPort } from './process/index.js';
import type { ProcessPort } from './process/port.js';

export interface Ports {
  process: ProcessPort;
  git: GitPort;
  cloudRun(): Promise<CloudRunPort>;
  github(): Promise<GitHubPort>;
  /** Cloud Logging and Cloud Monitoring; they reject with an ObservabilityError (never fatal to a run). */
  logs(): Promise<LogsPort>;
  metrics(): Promise<MetricsPort>;
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
    logs: once(async () => {
      const { createLogsPort } = await import('./observability/index.js');
      return createLogsPort(gcpFor(playbook, 'logging', env), env.TDL_LOGGING_ENDPOINT);
    }),
    metrics: once(async () => {
      const { createMetricsPort } = await import('./observability/index.js');
      return createMetricsPort(gcpFor(playbook, 'monitoring', env), env.TDL_MONITORING_ENDPOINT);
    }),
    github: once(async () => {
      if (!playbook.github) throw new UsageError('ENOGITHUB', 'the playbook has no github section');
      const { createGitHubPort } = await import('./github/index.js');
      // The run's env (what the caller or a test passed), not this process's: token, API URL, spacing.
      return createGitHubPort(playbook.github, { env });
    }),
  };
}

/**
 * The gcp section for Cloud Logging / Monitoring. When Cloud Run itself is an emulator and this API has
 * no endpoint of its own, there is nothing real to read: that is said, rather than trying credentials.
 */
function gcpFor(playbook: Playbook, api: 'logging' | 'monitoring', env: NodeJS.ProcessEnv) {
  const gcp = playbook.gcp;
  if (!gcp) throw new UsageError('ENOGCP', 'the playbook has no gcp section');
  const own =
    api === 'logging'
      ? env.TDL_LOGGING_ENDPOINT || gcp.loggingEndpoint
      : env.TDL_MONITORING_ENDPOINT || gcp.monitoringEndpoint;
  const cloudRun = env.TDL_CLOUDRUN_ENDPOINT || gcp.endpoint;
  if (!own && cloudRun) {
    const key = api === 'logging' ? 'gcp.loggingEndpoint' : 'gcp.monitoringEndpoint';
    throw new UsageError(
      api === 'logging' ? 'ENOLOGGING' : 'ENOMONITORING',
      `Cloud Run is read from an emulator (${cloudRun}) and ${key} is not set, so there is no ${api} to read`,
      `set ${key} (or TDL_${api.toUpperCase()}_ENDPOINT) to the ${api} emulator`,
    );
  }
  return gcp;
}
