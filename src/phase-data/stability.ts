/** Contract of phase 5's data: the criteria table behind the decision. */

import type { Verdict } from '../core/states.js';
import type { CriterionId } from '../playbook/sections/decision.js';

export interface CriterionResult {
  id: CriterionId;
  required: boolean;
  verdict: Verdict;
  /** The evidence that decided it, one line each, with its source. */
  evidence: string[];
  /**
   * false when the playbook does not configure the part at all (no `services`, no `audit`): the
   * criterion is shown as "n/a" and does not block. Absent means applicable.
   */
  applicable?: false;
}

export interface StabilityData {
  criteria: CriterionResult[];
  /** The base ref compared with (diff, base-branch runs). */
  base?: string;
  /** Runs compared with, by id. */
  comparedWith?: { previous: string | null; baseRun: string | null };
}
