/**
 * Groups failing and erroring tests into clusters by signature: the one clustering of tdl. Phase 3,
 * phase 5, phase 6, the outbox and `tdl publish` all get their clusters from here. Pure.
 */

import { stableHash } from '../../core/ids.js';
import { phaseResult, type RunRecord } from '../../core/record.js';
import { relativizeText } from '../../results/identity.js';
import type { TestCase } from '../../results/model.js';
import { lastOutputLine } from '../../results/text.js';
import type { RunTestsData, SuiteResult } from '../2-run-tests/types.js';
import {
  messageHead,
  normalizeMessage,
  projectFrames,
  SIGNATURE_VERSION,
  signatureOf,
  stripTypePrefix,
  testScope,
} from './signature.js';
import type { FailureCluster, RootCauseData } from './types.js';

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

/** One cluster per distinct signature, largest first; ids are hashes of the signature. */
export function clusterFailures(suites: readonly ClusterableSuite[], repoDir: string): FailureCluster[] {
  const byId = new Map<string, FailureCluster>();
  const fnAt = namedFrames(
    suites.flatMap((s) => s.cases.filter(isFailure)),
    repoDir,
  );
  for (const suite of suites) {
    for (const c of suite.cases.filter(isFailure)) {
      const head = messageHead(c.message, c.stack);
      const sig = signatureOf(head || c.message, c.stack, repoDir, testScope(c.suite, c.name), fnAt);
      const id = stableHash(['cluster', sig.text], 12);
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
      cluster.tests.push({ suiteId: suite.id, group: c.suite, name: c.name, status: c.status });
    }
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
  const rc = phaseResult<RootCauseData>(record, 'root-cause');
  if (rc?.state === 'completed' && rc.data && rc.data.signatureVersion === SIGNATURE_VERSION)
    return rc.data.clusters;
  const tests = phaseResult<RunTestsData>(record, 'run-tests')?.data;
  return clusterFailures(tests?.suites ?? [], record.repo.dir);
}
