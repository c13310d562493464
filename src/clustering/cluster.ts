/**
 * Groups failing and erroring tests into clusters by signature: the one clustering of tdl. Phase 3,
 * phase 5, phase 6, the outbox and `tdl publish` all get their clusters from here. Pure.
 */

import { stableHash } from '../core/ids.js';
import type { RunRecord } from '../core/record.js';
import { phaseResult } from '../phase-data/index.js';
import type { FailureCluster } from '../phase-data/root-cause.js';
import type { Regression, RunTestsData, SuiteResult } from '../phase-data/run-tests.js';
import { relativizeText, testIdsOf } from '../results/identity.js';
import type { TestCase } from '../results/model.js';
import { lastOutputLine } from '../results/text.js';
import {
  assertionSite,
  messageHead,
  normalizeMessage,
  projectFrames,
  SIGNATURE_VERSION,
  signatureOf,
  stripTypePrefix,
  testScope,
} from './signature.js';

/** The fields of a suite that clustering reads (how it ended, for a suite that could not run). */
export type ClusterableSuite = Pick<SuiteResult, 'id' | 'tier' | 'cases'> &
  Partial<Pick<SuiteResult, 'state' | 'reason' | 'attempts' | 'outputTail'>>;

/**
 * A suite that could not run (errored with no test result: runner not installed, exit 127, a crash
 * before the report) is a failure of its own kind: one cluster from its exit code and the last line
 * of its output, so it gets an issue like any failure.
 */
function couldNotRun(suite: ClusterableSuite, repoDir: string): FailureCluster | null {
  if (suite.state !== 'errored' || suite.cases.length > 0) return null;
  const last = suite.attempts?.at(-1);
  const exit = last?.spawnError
    ? `could not start (${last.spawnError})`
    : last?.exitCode !== null && last?.exitCode !== undefined
      ? `exit ${last.exitCode}`
      : 'no exit code';
  const said = relativizeText(lastOutputLine(suite.outputTail ?? ''), repoDir);
  const message = `suite \`${suite.id}\` could not run: ${exit}${said && !last?.spawnError ? ` (\`${said}\`)` : ''}`;
  const signature = ['<suite could not run>', suite.id, exit, normalizeMessage(said || '(no output)')].join(
    ' | ',
  );
  return {
    id: stableHash(['cluster', signature], 12),
    signature,
    title: message.slice(0, 120),
    message,
    tier: suite.tier,
    tests: [{ suiteId: suite.id, group: '', name: '(could not run)', status: 'errored' }],
    location: null,
    exceptionType: null,
    stack: [message, suite.reason ?? '', suite.outputTail ? `\n${suite.outputTail.slice(-2000)}` : '']
      .filter(Boolean)
      .join('\n'),
  };
}

function isFailure(c: TestCase): boolean {
  return c.status === 'failed' || c.status === 'errored';
}

/** The representative stack kept in the record (the report itself keeps the whole). */
const MAX_STACK_CHARS = 8000;

/** Functions named by `file:line` in any stack of these failures: anonymous frames are keyed the same way. */
function namedFrames(cases: readonly TestCase[], repoDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of cases)
    for (const f of projectFrames(c.stack, repoDir, Number.POSITIVE_INFINITY))
      if (f.fn) out.set(`${f.file}:${f.line}`, f.fn);
  return out;
}

/**
 * Clusters whose failures share an assertion site (`assertionSite`): each group is one cluster. The
 * cluster with the most tests keeps its id, signature and representative failure (ties: the smaller
 * signature), so a table test's dominant failure keeps its fingerprint and the rows that failed
 * another way join it. Links are transitive (union-find over the clusters).
 */
function joinSharedSites(
  byId: Map<string, FailureCluster>,
  sites: ReadonlyMap<string, ReadonlySet<string>>,
  order: ReadonlyMap<FailureCluster['tests'][number], number>,
): void {
  const parent = new Map<string, string>();
  const root = (id: string): string => {
    let r = id;
    while (parent.has(r)) r = parent.get(r)!;
    for (let x = id; x !== r; ) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  for (const ids of sites.values()) {
    const [first, ...rest] = ids;
    for (const id of rest) {
      const [a, b] = [root(first!), root(id)];
      if (a !== b) parent.set(b, a);
    }
  }
  if (parent.size === 0) return;
  const groups = new Map<string, FailureCluster[]>();
  for (const c of byId.values()) {
    const r = root(c.id);
    const members = groups.get(r);
    if (members) members.push(c);
    else groups.set(r, [c]);
  }
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    members.sort(
      (a, b) =>
        b.tests.length - a.tests.length ||
        (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0),
    );
    const [kept, ...joined] = members;
    for (const c of joined) {
      kept!.tests.push(...c.tests);
      kept!.tier = Math.min(kept!.tier, c.tier);
      byId.delete(c.id);
    }
    // The tests in the order the reports list them.
    kept!.tests.sort((a, b) => order.get(a)! - order.get(b)!);
  }
}

/**
 * The file of a regression range whose change of code is one hunk of one file, else null: its tests
 * broke with that one change, one cause however differently they fail (a renamed field breaks every
 * reader of it, each its own way). Two hunks, two files, or a range listing none: no grouping, as
 * two bugs landed together must stay two clusters.
 */
export function singleChange(r: Regression): string | null {
  return r.files.length === 1 && !r.moreFiles && r.hunks === 1 ? r.files[0]! : null;
}

/** How a cluster's tests broke with one change (`FailureCluster.change`), for the worklog and the issue. */
export function describeChange(change: NonNullable<FailureCluster['change']>): string {
  const to = change.to ? `commit \`${change.to.slice(0, 12)}\`` : 'the working tree it was tested in';
  return `one hunk of \`${change.file}\`, changed between commit \`${change.from.slice(0, 12)}\` (where these tests last passed) and ${to} (where they started failing)`;
}

/**
 * One cluster per distinct signature, largest first; ids are hashes of the signature. Failures
 * asserted at one site of a test file (the rows of a table test) are one cluster, and so are the
 * failures of tests that broke with one change (`regressions`, phase 2's: `singleChange`).
 */
export function clusterFailures(
  suites: readonly ClusterableSuite[],
  repoDir: string,
  regressions: readonly Regression[] = [],
): FailureCluster[] {
  const byId = new Map<string, FailureCluster>();
  const sites = new Map<string, Set<string>>();
  const order = new Map<FailureCluster['tests'][number], number>();
  // Test ids only when there are ranges to join (`testIdsOf` canonicalizes each group once).
  const clusterOfTest = new Map<string, string>();
  const idOf = regressions.length ? testIdsOf() : null;
  const fnAt = namedFrames(
    suites.flatMap((s) => s.cases.filter(isFailure)),
    repoDir,
  );
  for (const suite of suites) {
    for (const c of suite.cases.filter(isFailure)) {
      const head = messageHead(c.message, c.stack);
      const scope = testScope(c.suite, c.name);
      const sig = signatureOf(head || c.message, c.stack, repoDir, scope, fnAt);
      const id = stableHash(['cluster', sig.text], 12);
      const site = assertionSite(sig, scope, c.name);
      if (site) {
        const ids = sites.get(site);
        if (ids) ids.add(id);
        else sites.set(site, new Set([id]));
      }
      let cluster = byId.get(id);
      if (!cluster) {
        // The type is shown once: not again at the start of the message.
        const message = stripTypePrefix(head) || c.status;
        cluster = {
          id,
          signature: sig.text,
          title: `${sig.type ? `${sig.type}: ` : ''}${message}`.slice(0, 120),
          message,
          tier: suite.tier,
          tests: [],
          location: sig.frame ? `${sig.frame.file}:${sig.frame.line}` : null,
          exceptionType: sig.type,
          stack: c.stack ? c.stack.slice(0, MAX_STACK_CHARS) : null,
        };
        byId.set(id, cluster);
      }
      cluster.tier = Math.min(cluster.tier, suite.tier);
      const test = { suiteId: suite.id, group: c.suite, name: c.name, status: c.status };
      order.set(test, order.size);
      cluster.tests.push(test);
      if (idOf) clusterOfTest.set(idOf(suite.id, c.suite, c.name), id);
    }
  }
  const changed: { file: string; r: Regression }[] = [];
  for (const r of regressions) {
    const file = singleChange(r);
    const ids = new Set(r.tests.flatMap((t) => clusterOfTest.get(t) ?? []));
    // Only a range that joins clusters names its change: a test failing alone since then may be
    // failing for another reason now (the history keeps where its streak started, not why).
    if (!file || ids.size < 2) continue;
    changed.push({ file, r });
    // Joined like the clusters of one assertion site (a key no site can have).
    sites.set(`\u0000change ${r.from}..${r.to ?? ''}`, ids);
  }
  joinSharedSites(byId, sites, order);
  for (const { file, r } of changed) {
    const tests = new Set(r.tests);
    const holder = [...byId.values()].find((c) =>
      c.tests.some((t) => tests.has(idOf!(t.suiteId, t.group, t.name))),
    );
    if (holder && !holder.change) holder.change = { file, from: r.from, to: r.to };
  }
  for (const suite of suites) {
    const cluster = couldNotRun(suite, repoDir);
    if (cluster && !byId.has(cluster.id)) byId.set(cluster.id, cluster);
  }
  return [...byId.values()].sort((a, b) => b.tests.length - a.tests.length || a.tier - b.tier);
}

/**
 * Clusters of a run: phase 3's when it completed with the current signature version; otherwise the
 * same function over phase 2's tests (phase 3 skipped by `--only`, errored, cancelled, or a record of
 * an older version), so the fingerprints are the same either way.
 */
export function clustersFor(record: RunRecord): FailureCluster[] {
  const rc = phaseResult(record, 'root-cause');
  if (rc?.state === 'completed' && rc.data && rc.data.signatureVersion === SIGNATURE_VERSION)
    return rc.data.clusters;
  return clustersOfTests(phaseResult(record, 'run-tests')?.data, record.repo.dir);
}

/** The clusters of phase 2's data: its suites' failures, grouped with its regression ranges. */
export function clustersOfTests(tests: RunTestsData | null | undefined, repoDir: string): FailureCluster[] {
  return clusterFailures(tests?.suites ?? [], repoDir, tests?.regressions ?? []);
}
