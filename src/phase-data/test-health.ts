/**
 * The health of a run's tests as phase 2 records it (part of `RunTestsData`): flaky and broken tests
 * with the runs that prove it, classified by src/history/classify.ts from the history store.
 */

export interface FlakyConfig {
  window: number;
  retryPasses: number;
  flips: number;
  broken: { after: number };
}

export type Health = 'healthy' | 'flaky' | 'broken';

/** What phase 2 records of the tests' health (computed by src/history/health.ts). */
export interface TestHealthEntry {
  id: string;
  label: string;
  health: Health;
  why: string;
  /** Runs that prove it, newest first (this run is named by its id). */
  runs: string[];
}

export interface HealthData {
  /** Earlier runs looked at (from the history store). */
  earlierRuns: number;
  config: FlakyConfig;
  /** Flaky and broken tests of this run; every other test that ran is healthy. */
  tests: TestHealthEntry[];
  healthy: number;
}
