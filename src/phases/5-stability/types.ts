/** Contract of phase 5's data: the criteria table behind the decision. */

import type { Verdict } from '../../pipeline/states.js';
import type { CriterionId } from '../../playbook/sections/decision.js';

export interface CriterionResult {
  id: CriterionId;
  required: boolean;
  verdict: Verdict;
  /** The evidence that decided it, one line each, with its source. */
  evidence: string[];
}

export interface StabilityData {
  criteria: CriterionResult[];
}
