/**
 * The playbook's quarantine as phase 2 applied it to a run (part of `RunTestsData`); computed by
 * src/history/quarantine.ts.
 */
import * as z from 'zod';
import { quarantineEntrySchema } from '../playbook/sections/history.js';

// The playbook's entry is a strict object (a typo in a playbook is an error); in the record it is open.
export const quarantineEntryStateSchema = z.object({
  ...quarantineEntrySchema.shape,
  expired: z.boolean(),
  /** Tests of this run the entry matched. */
  matched: z.number(),
  /** Set when every matched test passed on the first attempt in the last `cleanAfter` runs. */
  passingAgain: z.number().optional(),
});
export type QuarantineEntryState = z.output<typeof quarantineEntryStateSchema>;

export const quarantinedFailureSchema = z.object({
  id: z.string(),
  label: z.string(),
  suiteId: z.string(),
  status: z.enum(['failed', 'errored']),
  /** The entry's `test` (id or glob) that matched. */
  entry: z.string(),
  owner: z.string(),
  reason: z.string(),
  until: z.string(),
  /** False: not counted in gates or the decision. True: counted again, `why` says why. */
  counted: z.boolean(),
  why: z.string().optional(),
});
export type QuarantinedFailure = z.output<typeof quarantinedFailureSchema>;

export const quarantineDataSchema = z.object({
  entries: z.array(quarantineEntryStateSchema),
  /** Every failing test an entry matched, counted or not. */
  failures: z.array(quarantinedFailureSchema),
  /** Failures not counted in gates and the decision. */
  notCounted: z.number(),
});
export type QuarantineData = z.output<typeof quarantineDataSchema>;
