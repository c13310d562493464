/** Phase 3 root-cause: failure clusters with evidence chains. Not built in this version. */
import { notBuilt, type Phase } from '../../pipeline/phase.js';

export const rootCausePhase: Phase = {
  id: 'root-cause',
  title: 'Root cause analysis',
  safeInDryRun: true,
  needs: ['run-tests'],
  async run() {
    return notBuilt('failure clustering is not available in this version');
  },
};
