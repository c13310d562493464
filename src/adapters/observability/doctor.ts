/**
 * `tdl doctor`'s Cloud Logging and Cloud Monitoring checks: one small read of each for the first
 * service, so that a missing `roles/logging.viewer` or `roles/monitoring.viewer` shows before a run
 * (where it would make those evidence links inconclusive). When Cloud Run is an emulator and these
 * APIs have no endpoint of their own there is nothing to check, and no line is printed.
 */

import type { CheckResult } from '../../core/check.js';
import { errorMessage, UsageError } from '../../core/errors.js';
import type { Playbook } from '../../playbook/load.js';
import { createPorts } from '../index.js';
import { VIEWER_ROLE } from './errors.js';

export async function checkObservabilityAccess(
  playbook: Playbook,
  env: NodeJS.ProcessEnv,
): Promise<CheckResult[]> {
  const gcp = playbook.gcp;
  const service = playbook.services[0]?.name;
  if (!gcp || !service) return [];
  const ports = createPorts(playbook, env);
  const timeout = Math.min(gcp.callTimeout, 5000);
  const end = new Date();
  const start = new Date(end.getTime() - 3_600_000);
  const check = async (
    api: 'logging' | 'monitoring',
    probe: () => Promise<string>,
  ): Promise<CheckResult[]> => {
    const name = `Cloud ${api === 'logging' ? 'Logging' : 'Monitoring'} readable (${VIEWER_ROLE[api]})`;
    try {
      return [{ name, ok: true, detail: await probe() }];
    } catch (error) {
      if (error instanceof UsageError) return [];
      return [
        {
          name,
          ok: false,
          detail: errorMessage(error).split('\n')[0]!,
          fix: (error as { hint?: string }).hint ?? `grant ${VIEWER_ROLE[api]} on project ${gcp.project}`,
        },
      ];
    }
  };
  const results = await Promise.all([
    check('logging', async () => {
      const logs = await ports.logs();
      try {
        const read = await logs.list(
          {
            filter: `resource.type="cloud_run_revision" AND resource.labels.service_name="${service}" AND timestamp>="${start.toISOString()}"`,
            pageSize: 1,
            maxPages: 1,
            maxEntries: 1,
            callTimeoutMs: timeout,
          },
          () => undefined,
        );
        return `read ${read.entries} entr${read.entries === 1 ? 'y' : 'ies'} of ${service} from the last hour (${logs.target})`;
      } finally {
        await logs.close().catch(() => undefined);
      }
    }),
    check('monitoring', async () => {
      const metrics = await ports.metrics();
      try {
        await metrics.probe(service, timeout);
        return `read the request metrics of ${service} (${metrics.target})`;
      } finally {
        await metrics.close().catch(() => undefined);
      }
    }),
  ]);
  return results.flat();
}
