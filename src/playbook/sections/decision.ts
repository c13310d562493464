// Owned by phases 3 and 5 (root-cause, stability). Keys: decision, analyzer, remediate.
import * as z from 'zod';
import { command, timeout } from './common.js';

export const CRITERIA = [
  'tests-authentic',
  'gates-passed',
  'no-regressions',
  'no-new-violations',
  'atomic-change',
  'deployment-healthy',
  'no-new-errors',
  'demonstrable-improvement',
  'tests-not-weakened',
] as const;
export type CriterionId = (typeof CRITERIA)[number];

export const decisionSchema = z.strictObject({
  require: z
    .array(z.enum(CRITERIA))
    .default(['tests-authentic', 'gates-passed', 'no-regressions', 'no-new-violations', 'deployment-healthy'])
    .meta({ description: 'Criteria that must pass for `proceed`; the others are evaluated and shown.' }),
  base: z.string().min(1).optional().meta({
    description:
      'The base branch: atomic-change diffs base...HEAD, no-regressions compares with runs on it, phase 4 audits against it (unless audit.base). Default: github.baseBranch, else main; found locally, else as origin/<base>.',
  }),
  atomicChange: z
    .strictObject({
      maxFiles: z.int().min(1).default(10),
      maxLines: z.int().min(1).default(400),
      maxAreas: z
        .int()
        .min(1)
        .default(1)
        .meta({ description: 'Top-level folders a change may touch (files at the root are not an area).' }),
    })
    .prefault({}),
  notWeakened: z.enum(['auto', 'always', 'never']).default('auto').meta({
    description:
      'When tests-not-weakened is required: auto = on --until-green runs and on a branch other than the base; always; never (shown, not required). Listing it in `require` means always.',
  }),
  flaky: z
    .enum(['ignore', 'fail'])
    .default('ignore')
    .meta({ description: 'fail: a test that passed only on retry counts as a regression.' }),
});

export const hookCommandSchema = z.strictObject({ command, timeout: timeout.prefault('5m') });

export const remediateSchema = hookCommandSchema.extend({
  redeploy: z
    .boolean()
    .default(false)
    .meta({ description: 'With --until-green: run phase 0 with deploy after remediation.' }),
});

export type DecisionConfig = z.output<typeof decisionSchema>;
export type HookCommandConfig = z.output<typeof hookCommandSchema>;
export type RemediateConfig = z.output<typeof remediateSchema>;
