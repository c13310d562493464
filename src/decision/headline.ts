/**
 * The decision line in plain words: every required criterion that failed or was inconclusive, each
 * said the way a person would say it ("2 regressions; gate after tier 1 failed (62.5% < 80.0%);
 * frontend revision stale"). Pure: it reads the run record only, so the summary, the CLI and the job
 * summary say the same thing.
 */

import { percent } from '../core/format.js';
import type { RunRecord } from '../core/record.js';
import type { DeployStatusData, ServiceKind } from '../phase-data/deploy-status.js';
import { phaseResult } from '../phase-data/index.js';
import type { RunTestsData } from '../phase-data/run-tests.js';
import type { CriterionResult } from '../phase-data/stability.js';
import { blocks } from './policy.js';

const SERVICE_WORDS: Record<ServiceKind, string> = {
  healthy: 'healthy',
  stale: 'revision stale',
  'not-ready': 'not ready',
  'failed-revision': 'latest revision failed',
  'no-traffic': 'newest revision gets no traffic',
  'not-found': 'not found',
  unreadable: 'could not be read',
};

function list(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** The leading count of an evidence line such as "2 regression(s) compared with …", or null. */
function leadingCount(line: string | undefined): number | null {
  const m = /^(\d+) /.exec(line ?? '');
  return m ? Number(m[1]) : null;
}

/** Suites that could not run (phase 2's reason `could not run: exit 127 (…)`): the cause, not its symptoms. */
function couldNotRun(tests: RunTestsData | undefined): { id: string; words: string }[] {
  return (tests?.suites ?? [])
    .filter((s) => s.reason?.startsWith('could not run'))
    .map((s) => ({ id: s.id, words: `suite ${s.id} ${s.reason!.split('; no report')[0]}` }));
}

function gatesWords(c: CriterionResult, tests: RunTestsData | undefined): string[] {
  if (!tests) return [`tests not measured`];
  const out: string[] = [];
  for (const tier of tests.tiers) {
    const g = tier.gate;
    if (!g || g.verdict === 'pass') continue;
    out.push(
      g.verdict === 'fail'
        ? `gate after tier ${g.afterTier} failed (${percent(g.passRate)} < ${percent(g.minPassRate)})`
        : `gate after tier ${g.afterTier} inconclusive (${g.reason})`,
    );
  }
  const failed = tests.suites.filter((s) => s.state !== 'skipped' && s.verdict === 'fail').map((s) => s.id);
  const cannot = couldNotRun(tests);
  out.push(...cannot.map((x) => x.words));
  const unknown = tests.suites
    .filter(
      (s) => s.state !== 'skipped' && s.verdict === 'inconclusive' && !cannot.some((x) => x.id === s.id),
    )
    .map((s) => `${s.id} ${s.state === 'completed' ? 'inconclusive' : s.state.replace('_', ' ')}`);
  if (failed.length) out.push(`suite${failed.length > 1 ? 's' : ''} ${list(failed)} failed`);
  if (unknown.length) out.push(`suite${unknown.length > 1 ? 's' : ''} ${list(unknown)}`);
  if (out.length === 0) out.push(c.verdict === 'fail' ? 'gates failed' : 'gates not measured');
  return out;
}

function deploymentWords(c: CriterionResult, data: DeployStatusData | undefined): string[] {
  const bad = (data?.services ?? []).filter((s) => s.verdict !== 'pass');
  if (bad.length === 0) return [c.verdict === 'fail' ? 'deployment unhealthy' : 'deployment not checked'];
  return bad.map(
    (s) =>
      `${s.name} ${s.kind ? SERVICE_WORDS[s.kind] : s.verdict === 'fail' ? 'unhealthy' : 'status unknown'}`,
  );
}

/** Plain words for one criterion that did not pass. */
export function criterionWords(c: CriterionResult, record: RunRecord): string[] {
  const tests = phaseResult(record, 'run-tests')?.data;
  const inconclusive = c.verdict !== 'fail';
  switch (c.id) {
    case 'tests-authentic': {
      if (inconclusive) return ['test authenticity not measured'];
      const cannot = couldNotRun(tests);
      const errors = (
        phaseResult(record, 'run-tests')?.findings.filter((f) => f.severity === 'error') ?? []
      ).filter((f) => !cannot.some((x) => x.id === f.subject));
      const kinds = [...new Set(errors.map((f) => `${f.kind}${f.subject ? ` in ${f.subject}` : ''}`))];
      // A suite that could not run has no report to be authentic: its cause is the reason.
      if (cannot.length && kinds.length === 0) return cannot.map((x) => x.words);
      return [
        ...cannot.map((x) => x.words),
        `test results not authentic (${list(kinds.length ? kinds : ['see phase 5'])})`,
      ];
    }
    case 'gates-passed':
      return gatesWords(c, tests);
    case 'no-regressions': {
      if (inconclusive) return ['regressions unknown (no earlier run to compare with)'];
      const n = leadingCount(c.evidence[0]);
      return [n === null ? 'regressions' : `${n} regression${n === 1 ? '' : 's'}`];
    }
    case 'no-new-violations': {
      if (inconclusive) return ['new violations not measured'];
      const m = /(\d+) violation/.exec(c.evidence[0] ?? '');
      const n = m ? Number(m[1]) : null;
      return [n === null ? 'new violations' : `${n} new violation${n === 1 ? '' : 's'}`];
    }
    case 'atomic-change':
      return inconclusive
        ? ['change size not measured']
        : [
            `change too large (${c.evidence.filter((e) => e.endsWith('over the limit')).length} limit(s) over)`,
          ];
    case 'deployment-healthy':
      return deploymentWords(c, phaseResult(record, 'deploy-status')?.data);
    case 'tests-not-weakened': {
      if (inconclusive) return ['test weakening not measured'];
      const n = leadingCount(c.evidence[0]);
      const kinds = c.evidence.slice(1).map((e) => e.replace(/^(previous run \S+|base \S+): /, ''));
      return [`tests weakened (${n ?? kinds.length}: ${list(kinds, 2)})`];
    }
    case 'demonstrable-improvement':
      return [inconclusive ? 'improvement unknown (no earlier run)' : 'no measured improvement'];
    default:
      // A criterion this module has no words for yet: its id, verdict and first evidence line.
      return [`${c.id} ${c.verdict}${c.evidence[0] ? `: ${c.evidence[0]}` : ''}`];
  }
}

/**
 * Every required criterion that did not pass, in plain words, failures first. Empty when phase 5
 * did not run or everything required passed.
 */
export function headlineReasons(record: RunRecord): string[] {
  const criteria = phaseResult(record, 'stability')?.data?.criteria ?? [];
  const notPassing = criteria.filter((c) => blocks(c) && c.verdict !== 'pass');
  const ordered = [
    ...notPassing.filter((c) => c.verdict === 'fail'),
    ...notPassing.filter((c) => c.verdict !== 'fail'),
  ];
  return [...new Set(ordered.flatMap((c) => criterionWords(c, record)))];
}
