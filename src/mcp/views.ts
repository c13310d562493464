/**
 * What the agent-facing tools make of a run record: the run in a few lines, its clusters bounded, and
 * one failure explained with its history. Pure: records in, plain objects out (bounded by the caller).
 */

import { clustersFor } from '../clustering/cluster.js';
import { projectFrames } from '../clustering/signature.js';
import { exitMeaning, UsageError } from '../core/errors.js';
import type { RunRecord } from '../core/record.js';
import { phaseResult } from '../phase-data/index.js';
import type { FailureCluster } from '../phase-data/root-cause.js';
import type { SuiteResult } from '../phase-data/run-tests.js';
import { testId } from '../results/identity.js';
import type { TestCase } from '../results/model.js';
import { figures } from '../worklog/figures.js';
import { clip } from './bound.js';
import type { ClusterView } from './schemas.js';

/** The resource URI of a run's record. */
export const recordUri = (runId: string) => `tdl://runs/${runId}/record`;

const TESTS_PER_CLUSTER = 10;
const TEXT = 600;

/** The run in a few lines: state, decision, phases, where the rest is. */
export function runSummary(record: RunRecord) {
  const f = figures(record);
  const c = f.counts;
  const exitCode = record.exitCode ?? 1;
  return {
    runId: record.runId,
    exitCode,
    exitMeaning: exitMeaning(exitCode),
    summary: `run ${record.runId} ${record.state}: ${f.decision}${f.decisionReason ? ` (${f.decisionReason})` : ''}; tests ${c.passed} passed, ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped; gates ${f.gateOutcome}`,
    state: record.state,
    decision: record.decision
      ? { decision: record.decision.decision, reasons: record.decision.reasons.map((r) => clip(r, TEXT)) }
      : null,
    phases: record.phases.map((p) => ({
      id: p.id,
      state: p.state,
      ...(p.verdict ? { verdict: p.verdict } : {}),
      ...(p.reason ? { reason: clip(p.reason, TEXT) } : {}),
    })),
    clusters: clustersFor(record).length,
    ...(record.worklog ? { worklog: record.worklog } : {}),
    runDir: record.runDir,
    record: recordUri(record.runId),
  };
}

export function clusterViewOf(c: FailureCluster): ClusterView {
  return {
    id: c.id,
    title: clip(c.title, 200),
    message: clip(c.message, TEXT),
    tier: c.tier,
    location: c.location,
    exceptionType: c.exceptionType ?? null,
    tests: c.tests
      .slice(0, TESTS_PER_CLUSTER)
      .map((t) => ({ ...t, name: clip(t.name, 300), group: clip(t.group, 300) })),
    testsTotal: c.tests.length,
    evidence: (c.evidence ?? []).map((e) => ({
      kind: e.kind,
      value: e.value === null ? null : clip(e.value, TEXT),
      source: clip(e.source, 300),
      ...(e.unknownBecause ? { unknownBecause: clip(e.unknownBecause, 300) } : {}),
      ...(e.href ? { href: e.href } : {}),
    })),
  };
}

interface Located {
  suite: SuiteResult;
  testCase: TestCase;
}

const suitesOf = (record: RunRecord) => phaseResult(record, 'run-tests')?.data?.suites ?? [];
const label = (suiteId: string, group: string, name: string) =>
  `${suiteId} › ${group ? `${group} › ` : ''}${name}`;

/** The same test in `record`: same test id (results/identity.ts), whatever folder or format. */
function find(record: RunRecord, suiteId: string, group: string, name: string): Located | null {
  const id = testId(suiteId, group, name);
  const suite = suitesOf(record).find((s) => s.id === suiteId);
  const testCase = suite?.cases.find((c) => testId(suite.id, c.suite, c.name) === id);
  return suite && testCase ? { suite, testCase } : null;
}

/** The test named by `suite › group › name`, `suite › name` or a bare name unique in the run. */
export function locateTest(record: RunRecord, spec: string): Located {
  const parts = spec.split('›').map((p) => p.trim());
  const name = parts[parts.length - 1]!;
  const all = suitesOf(record).flatMap((suite) => suite.cases.map((testCase) => ({ suite, testCase })));
  const hits = all.filter(
    ({ suite, testCase }) =>
      testCase.name === name &&
      (parts.length < 2 || suite.id === parts[0]) &&
      (parts.length < 3 || testCase.suite === parts.slice(1, -1).join(' › ')),
  );
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0)
    throw new UsageError(
      'ENOTEST',
      `test: no test "${spec}" in run ${record.runId}`,
      'name it as `suite › group › name`, as `failures` lists a cluster’s tests',
    );
  throw new UsageError(
    'ENOTEST',
    `test: "${spec}" names ${hits.length} tests in run ${record.runId}: ${hits
      .slice(0, 5)
      .map((h) => label(h.suite.id, h.testCase.suite, h.testCase.name))
      .join('; ')}`,
    'name it as `suite › group › name`',
  );
}

/** The established `github-issue` link of this cluster in the newest run that has one. */
function openIssue(runs: readonly RunRecord[], clusterId: string) {
  for (const r of runs) {
    const link = clustersFor(r)
      .find((c) => c.id === clusterId)
      ?.evidence?.find((e) => e.kind === 'github-issue' && e.value !== null);
    if (link?.value)
      return { value: link.value, href: link.href ?? null, source: `run ${r.runId}: ${link.source}` };
  }
  return null;
}

const MAX_HISTORY_ROWS = 20;

/**
 * One cluster or one test of `record`, explained: the failure, its project frames, its history over
 * `runs` (every run of the playbook, newest first, this one included) and the open issue.
 */
export function explain(
  record: RunRecord,
  runs: readonly RunRecord[],
  subject: { cluster: string } | { test: string },
) {
  const clusters = clustersFor(record);
  let cluster: FailureCluster | undefined;
  let located: Located | null;
  if ('cluster' in subject) {
    cluster = clusters.find((c) => c.id === subject.cluster);
    if (!cluster)
      throw new UsageError(
        'ENOCLUSTER',
        `cluster: no cluster "${subject.cluster}" in run ${record.runId}${
          clusters.length
            ? ` (it has ${clusters
                .map((c) => c.id)
                .slice(0, 10)
                .join(', ')})`
            : ' (it has none)'
        }`,
        'list the clusters with the `failures` tool',
      );
    const first = cluster.tests[0]!;
    located = find(record, first.suiteId, first.group, first.name);
  } else {
    located = locateTest(record, subject.test);
    const { suite, testCase } = located;
    const id = testId(suite.id, testCase.suite, testCase.name);
    cluster = clusters.find((c) => c.tests.some((t) => testId(t.suiteId, t.group, t.name) === id));
  }
  const failed = located && (located.testCase.status === 'failed' || located.testCase.status === 'errored');
  const stack = cluster?.stack ?? located?.testCase.stack ?? '';
  const id =
    'cluster' in subject
      ? subject.cluster
      : label(located!.suite.id, located!.testCase.suite, located!.testCase.name);
  const outcomeIn = (r: RunRecord): string => {
    if ('cluster' in subject && clustersFor(r).some((c) => c.id === subject.cluster)) return 'clustered';
    const t = located ? find(r, located.suite.id, located.testCase.suite, located.testCase.name) : null;
    if (t) return t.testCase.status;
    return 'cluster' in subject ? 'absent' : 'not run';
  };
  const ordered = runs.some((r) => r.runId === record.runId) ? runs : [record, ...runs];
  const exitCode = record.exitCode ?? 1;
  return {
    runId: record.runId,
    exitCode,
    exitMeaning: exitMeaning(exitCode),
    summary: cluster
      ? `${cluster.tests.length} test(s) fail with "${clip(cluster.title, 120)}"${cluster.location ? ` at ${cluster.location}` : ''}`
      : `${id}: ${located?.testCase.status ?? 'unknown'} in run ${record.runId}`,
    subject: { kind: 'cluster' in subject ? ('cluster' as const) : ('test' as const), id },
    cluster: cluster ? clusterViewOf(cluster) : null,
    failure:
      failed && located
        ? {
            status: located.testCase.status,
            message: clip(located.testCase.message ?? cluster?.message ?? '', 2_000),
            stack: clip(stack, 3_000),
          }
        : null,
    frames: projectFrames(stack, record.repo.dir),
    history: ordered
      .slice(0, MAX_HISTORY_ROWS)
      .map((r) => ({ runId: r.runId, startedAt: r.startedAt, outcome: outcomeIn(r) })),
    issue: cluster ? openIssue(ordered, cluster.id) : null,
  };
}
