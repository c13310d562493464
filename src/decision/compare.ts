/** Test identities across runs, for regressions and improvement. Pure. */

import type { RunRecord } from '../core/record.js';
import { phaseData } from '../phase-data/index.js';
import type { RunTestsData } from '../phase-data/run-tests.js';
import { testId } from '../results/identity.js';
import type { TestStatus } from '../results/model.js';

export interface TestOutcome {
  status: TestStatus;
  flaky: boolean;
  label: string;
}

/** A test's identity: suite id, the report's grouping and its name (see `results/identity.ts`). */
export function testKey(suiteId: string, group: string, name: string): string {
  return testId(suiteId, group, name);
}

/** Every test case of a run's phase 2 data, by identity. */
export function comparableTests(data: RunTestsData | undefined): Map<string, TestOutcome> {
  const out = new Map<string, TestOutcome>();
  for (const suite of data?.suites ?? []) {
    for (const c of suite.cases) {
      out.set(testKey(suite.id, c.suite, c.name), {
        status: c.status,
        flaky: Boolean(c.flaky),
        label: `\`${suite.id}\` › ${c.suite ? `${c.suite} › ` : ''}${c.name}`,
      });
    }
  }
  return out;
}

export function testStatuses(record: RunRecord): Map<string, TestOutcome> {
  return comparableTests(phaseData(record, 'run-tests'));
}

/** True when a run executed tests (a comparable run for regressions and improvement). */
export function hasTestResults(record: RunRecord): boolean {
  const p = record.phases.find((x) => x.id === 'run-tests');
  return p?.state === 'completed' && testStatuses(record).size > 0;
}

export function runLabel(record: RunRecord): string {
  return `run ${record.runId}${record.repo.branch ? ` on \`${record.repo.branch}\`` : ''}${record.repo.commit ? ` at ${record.repo.commit.slice(0, 12)}` : ''}`;
}
