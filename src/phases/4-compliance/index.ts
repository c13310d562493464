/** Phase 4 compliance: the single-source-of-truth audit. Not built in this version. */
import { notBuilt, type Phase } from '../../pipeline/phase.js';

export const compliancePhase: Phase = {
  id: 'compliance',
  title: 'Compliance audit',
  safeInDryRun: true,
  needs: [],
  async run(ctx) {
    if (!ctx.playbook.audit) return notBuilt('no audit section in the playbook');
    return notBuilt('the compliance audit is not available in this version');
  },
};
