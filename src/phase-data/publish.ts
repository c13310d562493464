/** Data phase 6 (publish) leaves in the run record; read by the worklog and `tdl publish`. */
import * as z from 'zod';
import { DECISIONS } from '../core/states.js';

export const publishTargetSchema = z.enum(['github', 'outbox']);
export type PublishTarget = z.output<typeof publishTargetSchema>;

export const routeSchema = z.enum(['defer', 'proceed-change', 'proceed-no-change']);
export type Route = z.output<typeof routeSchema>;

export const actionResultSchema = z.object({
  action: z.string(),
  status: z.enum(['done', 'unchanged', 'planned']),
  number: z.number().optional(),
  url: z.string().optional(),
});
export type ActionResult = z.output<typeof actionResultSchema>;

const issuesSchema = z.array(
  z.object({
    kind: z.enum(['master', 'child']),
    number: z.number(),
    title: z.string(),
    url: z.string(),
    state: z.enum(['open', 'closed']),
  }),
);
const pullSchema = z.object({ number: z.number(), url: z.string() }).nullable();

export const publishOutcomeSchema = z.object({
  actions: z.array(actionResultSchema),
  /** Issues this run filed or touched, with their links. */
  issues: issuesSchema,
  pull: pullSchema,
});
export type PublishOutcome = z.output<typeof publishOutcomeSchema>;

/** Phase 6's data. */
export const publishDataSchema = z.object({
  target: publishTargetSchema,
  /** Why this target: the flag, or where a token was (or was not) found. Never the token. */
  targetReason: z.string(),
  route: routeSchema,
  decision: z.enum(DECISIONS),
  /** The rule that chose the route, e.g. "no decision from phase 5; verdicts not green → defer". */
  rule: z.string(),
  dryRun: z.boolean(),
  actions: z.array(actionResultSchema),
  issues: issuesSchema,
  pull: pullSchema,
  /** The outbox folder, when drafts were written there. */
  outbox: z.string().nullable(),
});
export type PublishData = z.output<typeof publishDataSchema>;
