/** Phase 0 deploy-status: Cloud Run revisions of the playbook's services. Not built in this version. */
import { notBuilt, type Phase } from '../../pipeline/phase.js';

export const deployStatusPhase: Phase = {
  id: 'deploy-status',
  title: 'Deployment status',
  safeInDryRun: true,
  needs: [],
  async run(ctx) {
    if (ctx.playbook.services.length === 0) return notBuilt('no Cloud Run services configured');
    return notBuilt('Cloud Run checks are not available in this version');
  },
};
