/** Phase 5 stability: the decision engine. Not built in this version. */
import { notBuilt, type Phase } from '../../pipeline/phase.js';

export const stabilityPhase: Phase = {
  id: 'stability',
  title: 'Stability decision',
  safeInDryRun: true,
  needs: [],
  async run() {
    return notBuilt('the stability decision engine is not available in this version');
  },
};
