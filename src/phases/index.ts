/** The phase table: the seven phases in pipeline order. The runner walks this list. */

import { PHASE_IDS } from '../core/record.js';
import type { SectionRenderers } from '../worklog/section.js';
import { deployStatusPhase } from './0-deploy-status/index.js';
import { selectTestsPhase } from './1-select-tests/index.js';
import { runTestsPhase } from './2-run-tests/index.js';
import { rootCausePhase } from './3-root-cause/index.js';
import { compliancePhase } from './4-compliance/index.js';
import { stabilityPhase } from './5-stability/index.js';
import { publishPhase } from './6-publish/index.js';
import type { Phase } from './phase.js';

export const PHASES: readonly Phase[] = [
  deployStatusPhase,
  selectTestsPhase,
  runTestsPhase,
  rootCausePhase,
  compliancePhase,
  stabilityPhase,
  publishPhase,
] as Phase[];

// The table and the vocabulary must agree; a mismatch is a programming error caught at load.
PHASES.forEach((p, i) => {
  if (p.id !== PHASE_IDS[i]) throw new Error(`phase table out of order at ${i}: ${p.id}`);
});

/**
 * The worklog section renderer of each phase, by id: those of `phases` (a run's table), and the phase
 * table's for any id it lacks (src/worklog/render.ts renders every phase of a record).
 */
export function sectionRenderers(phases: readonly Phase[] = PHASES): SectionRenderers {
  const out = Object.fromEntries(PHASES.map((p) => [p.id, p.render])) as Record<Phase['id'], Phase['render']>;
  for (const p of phases) out[p.id] = p.render;
  return out;
}
