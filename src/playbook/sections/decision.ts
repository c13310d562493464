// Owned by phases 3 and 5 (root-cause, stability). Keys: decision, analyzer, remediate.
import { z } from 'zod';
import { command, duration } from './common.js';

export const CRITERIA = [
  'tests-authentic',
  'gates-passed',
  'no-regressions',
  'no-new-violations',
  'atomic-change',
  'deployment-healthy',
  'demonstrable-improvement',
] as const;
export type CriterionId = (typeof CRITERIA)[number];

export const decisionSchema = z.strictObject({
  require: z
    .array(z.enum(CRITERIA))
    .default([
      'tests-authentic',
      'gates-passed',
      'no-regressions',
      'no-new-violations',
      'deployment-healthy',
    ]),
  atomicChange: z
    .strictObject({ maxFiles: z.int().min(1).default(10), maxLines: z.int().min(1).default(400) })
    .prefault({}),
  flaky: z.enum(['ignore', 'fail']).default('ignore'),
});

export const hookCommandSchema = z.strictObject({ command, timeout: duration.prefault('5m') });

export type DecisionConfig = z.output<typeof decisionSchema>;
