/**
 * Phase 0 deploy-status: for each playbook service, the latest created and ready revisions, the ready
 * revision's age, its Ready condition and the traffic split, read from Cloud Run. Stale services are
 * deployed (with --deploy or autoDeploy) and waited for; under --dry-run nothing is deployed.
 */

import { type DeployStatusData, deployStatusDataSchema } from '../../phase-data/deploy-status.js';
import type { Phase } from '../phase.js';
import { checkServices } from './check.js';
import { renderDeployStatus } from './section.js';

export const deployStatusPhase: Phase<DeployStatusData> = {
  id: 'deploy-status',
  title: 'Deployment status',
  render: renderDeployStatus,
  dataSchema: deployStatusDataSchema,
  // Reads only under --dry-run: the deploys it would run are planned, not run.
  safeInDryRun: true,
  needs: [],
  async run(ctx) {
    if (ctx.playbook.services.length === 0)
      return { state: 'skipped', reason: 'no Cloud Run services configured' };
    if (!ctx.playbook.gcp) {
      return {
        state: 'skipped',
        reason: 'services are listed but the playbook has no gcp section (project, region)',
      };
    }
    return checkServices({
      playbook: ctx.playbook,
      cloudRun: () => ctx.ports.cloudRun(),
      process: ctx.ports.process,
      now: () => ctx.clock.now(),
      logger: ctx.logger,
      runId: ctx.runId,
      runDir: ctx.paths.runDir,
      reportDir: ctx.paths.reportDir,
      deploy: ctx.options.deploy,
      readOnly: ctx.options.dryRun,
      signal: ctx.signal,
      env: ctx.env,
    });
  },
};
