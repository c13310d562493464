/** Data phase 1 (select-tests) leaves in the run record; read by phase 2 and the worklog. */
import * as z from 'zod';

export const selectedSuiteSchema = z.object({ id: z.string(), tier: z.number(), reason: z.string() });
export type SelectedSuite = z.output<typeof selectedSuiteSchema>;

/** The suites a focus picked, in run order (src/phases/1-select-tests/select.ts). */
export const selectionSchema = z.object({
  focus: z.string(),
  selected: z.array(selectedSuiteSchema),
  excluded: z.array(z.object({ id: z.string(), reason: z.string() })),
});
export type Selection = z.output<typeof selectionSchema>;

/** Phase 1's data. */
export const selectTestsDataSchema = selectionSchema.extend({
  order: z.enum(['failing-first', 'failing-last']),
  previous: z
    .object({
      runId: z.string(),
      startedAt: z.string(),
      worklog: z.string().nullable(),
      decision: z.string().nullable(),
      /** Tests that failed or errored in that run (absent in records written before this field). */
      failing: z.number().optional(),
    })
    .nullable(),
  /** Open GitHub issues with the playbook's first label; null when they were not read (and why). */
  openIssues: z.array(z.object({ number: z.number(), title: z.string(), url: z.string() })).nullable(),
  /** Where the open issues were read from, or why they were not. */
  openIssuesNote: z.string(),
});
export type SelectTestsData = z.output<typeof selectTestsDataSchema>;
