/** The decision rule: `proceed` iff every required, applicable criterion passes. Pure. */

import type { DecisionRecord } from '../core/record.js';
import type { CriterionResult } from '../phase-data/stability.js';
import { CRITERIA, type CriterionId } from '../playbook/sections/decision.js';
import { CRITERION_EVALUATORS, type DecisionInput, type Evaluated } from './criteria.js';

/** Evaluates every criterion (required or not), in the fixed order of CRITERIA. */
export function evaluateCriteria(input: DecisionInput): CriterionResult[] {
  const required = new Set<CriterionId>(input.config.require);
  return CRITERIA.map((id) => {
    const evaluated: Evaluated = CRITERION_EVALUATORS[id](input);
    // tests-not-weakened is also required when the run says so (--until-green, a branch off the base).
    const byRun = id === 'tests-not-weakened' && input.weakeningRequired === true;
    return { ...evaluated, required: required.has(id) || byRun };
  });
}

/** True when a criterion takes part in the decision. */
export function blocks(c: CriterionResult): boolean {
  return c.required && c.applicable !== false;
}

/**
 * `proceed` when every required criterion that applies is `pass`; otherwise `defer`, with one reason
 * per required criterion that failed (first) or was inconclusive (unknown is never pass).
 */
export function decide(criteria: readonly CriterionResult[]): DecisionRecord {
  const counted = criteria.filter(blocks);
  const notPassing = counted.filter((c) => c.verdict !== 'pass');
  if (notPassing.length === 0) {
    const na = criteria.filter((c) => c.required && c.applicable === false).map((c) => c.id);
    return {
      decision: 'proceed',
      reasons: [
        counted.length
          ? `all ${counted.length} required criteria passed: ${counted.map((c) => c.id).join(', ')}`
          : 'no required criterion applies to this playbook',
        ...(na.length ? [`not applicable (nothing configured): ${na.join(', ')}`] : []),
      ],
    };
  }
  const ordered = [
    ...notPassing.filter((c) => c.verdict === 'fail'),
    ...notPassing.filter((c) => c.verdict !== 'fail'),
  ];
  return {
    decision: 'defer',
    reasons: ordered.map((c) => `${c.id} ${c.verdict}: ${c.evidence[0] ?? 'no evidence'}`),
  };
}
