/** Phase 6 publish: pull request or linked issues. Not built in this version. */
import { notBuilt, type Phase } from '../../pipeline/phase.js';

export const publishPhase: Phase = {
  id: 'publish',
  title: 'Publish',
  safeInDryRun: false,
  needs: [],
  async run(ctx) {
    if (ctx.options.publish === 'none') return notBuilt('publishing disabled (--publish none)');
    return notBuilt('publishing to GitHub is not available in this version');
  },
};
