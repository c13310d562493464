/**
 * The health of a run's tests as phase 2 records it (part of `RunTestsData`): flaky and broken tests
 * with the runs that prove it, classified by src/history/classify.ts from the history store.
 */
import * as z from 'zod';

export const flakyConfigSchema = z.object({
  window: z.number(),
  retryPasses: z.number(),
  flips: z.number(),
  broken: z.object({ after: z.number() }),
});
export type FlakyConfig = z.output<typeof flakyConfigSchema>;

export const healthSchema = z.enum(['healthy', 'flaky', 'broken']);
export type Health = z.output<typeof healthSchema>;

/** What phase 2 records of the tests' health (computed by src/history/health.ts). */
export const testHealthEntrySchema = z.object({
  id: z.string(),
  label: z.string(),
  health: healthSchema,
  why: z.string(),
  /** Runs that prove it, newest first (this run is named by its id). */
  runs: z.array(z.string()),
});
export type TestHealthEntry = z.output<typeof testHealthEntrySchema>;

export const healthDataSchema = z.object({
  /** Earlier runs looked at (from the history store). */
  earlierRuns: z.number(),
  config: flakyConfigSchema,
  /** Flaky and broken tests of this run; every other test that ran is healthy. */
  tests: z.array(testHealthEntrySchema),
  healthy: z.number(),
});
export type HealthData = z.output<typeof healthDataSchema>;
