/** Contract of phase 5's data: the criteria table behind the decision. */
import * as z from 'zod';
import { CRITERIA } from '../playbook/sections/decision.js';
import { verdictSchema } from './shared.js';

export const criterionResultSchema = z.object({
  id: z.enum(CRITERIA),
  required: z.boolean(),
  verdict: verdictSchema,
  /** The evidence that decided it, one line each, with its source. */
  evidence: z.array(z.string()),
  /**
   * false when the playbook does not configure the part at all (no `services`, no `audit`): the
   * criterion is shown as "n/a" and does not block. Absent means applicable.
   */
  applicable: z.literal(false).optional(),
});
export type CriterionResult = z.output<typeof criterionResultSchema>;

/** Phase 5's data. */
export const stabilityDataSchema = z.object({
  criteria: z.array(criterionResultSchema),
  /** The base ref compared with (diff, base-branch runs). */
  base: z.string().optional(),
  /** Runs compared with, by id. */
  comparedWith: z.object({ previous: z.string().nullable(), baseRun: z.string().nullable() }).optional(),
});
export type StabilityData = z.output<typeof stabilityDataSchema>;
