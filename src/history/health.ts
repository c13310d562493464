/**
 * The health of the tests of a run (pure): each test's outcome now, put in front of its outcomes in
 * the earlier runs of the store, classified (./classify.ts). Phase 2 records it; the worklog shows the
 * flaky and broken tests with the runs that prove it; phases 5 and 6 read it.
 */
import type { SuiteResult } from '../phase-data/run-tests.js';
import type { FlakyConfig, HealthData, TestHealthEntry } from '../phase-data/test-health.js';
import { classify, cleanStreak } from './classify.js';
import { historyId, idLabel, outcomeCode, type TestHistory } from './model.js';

/** Health of every test that ran in `suites`, given the earlier runs. */
export function testHealth(
  runId: string,
  suites: readonly SuiteResult[],
  history: TestHistory,
  config: FlakyConfig,
): HealthData {
  const runIds = [runId, ...history.runs.map((r) => r.run)];
  const tests: TestHealthEntry[] = [];
  let healthy = 0;
  for (const suite of suites) {
    if (suite.state === 'skipped') continue;
    for (const c of suite.cases) {
      const id = historyId(suite.id, c);
      const codes = outcomeCode(c) + (history.codes.get(id) ?? '.'.repeat(history.runs.length));
      const v = classify(codes, runIds, config);
      if (v.health === 'healthy') healthy++;
      else tests.push({ id, label: idLabel(id), health: v.health, why: v.why, runs: v.runs });
    }
  }
  tests.sort((a, b) => a.health.localeCompare(b.health) || a.label.localeCompare(b.label));
  return { earlierRuns: history.runs.length, config, tests, healthy };
}

/**
 * Consecutive runs, this one included, in which test `id` ran and passed on the first attempt (phase
 * 6 closes an issue only after `github.closeAfter` of them). `now`: its outcome code in this run.
 */
export function cleanRuns(history: TestHistory, id: string, now: string): number {
  return cleanStreak(now + (history.codes.get(id) ?? ''));
}
