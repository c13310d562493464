import { describe, expect, it } from 'vitest';
import type { DiffStat } from '../../src/adapters/git/history.js';
import type { Finding, PhaseEntry, PhaseId, RunRecord } from '../../src/core/record.js';
import {
  atomicChange,
  type DecisionInput,
  demonstrableImprovement,
  deploymentHealthy,
  gatesPassed,
  noNewViolations,
  noRegressions,
  testsAuthentic,
} from '../../src/decision/criteria.js';
import type { ComplianceSummary } from '../../src/phase-data/compliance.js';
import type { ServiceStatus } from '../../src/phase-data/deploy-status.js';
import type { FailureCluster } from '../../src/phase-data/root-cause.js';
import type { SuiteResult } from '../../src/phase-data/run-tests.js';
import { decisionSchema } from '../../src/playbook/sections/decision.js';
import { countCases, passRate, type TestCase } from '../../src/results/model.js';
import { runTestsData, suiteResult, tierResult } from '../builders/results.js';
import { phaseEntry, runRecord } from '../builders/run.js';

const t = (name: string, status: TestCase['status'], flaky = false): TestCase => ({
  suite: 'g',
  name,
  status,
  durationMs: 1,
  ...(flaky ? { flaky: true } : {}),
});

function suite(cases: TestCase[], verdict: SuiteResult['verdict'] = 'pass'): SuiteResult {
  return suiteResult('s', cases, { verdict });
}

function testsPhase(
  cases: TestCase[],
  opts: { findings?: Finding[]; gate?: 'pass' | 'fail' | 'none' } = {},
): PhaseEntry<'run-tests'> {
  const counts = countCases(cases);
  const rate = passRate(counts);
  const gate =
    opts.gate && opts.gate !== 'none'
      ? { afterTier: 1, minPassRate: 0.8, passRate: rate, verdict: opts.gate, reason: `gate ${opts.gate}` }
      : null;
  const only = suite(cases, counts.failed ? 'fail' : 'pass');
  return phaseEntry('run-tests', {
    title: 'Tests',
    verdict: undefined,
    findings: opts.findings ?? [],
    data: runTestsData([only], {
      tiers: [tierResult(1, [only], { gate })],
      noGo: gate?.verdict === 'fail' ? { afterTier: 1, reason: 'gate fail' } : null,
    }),
  });
}

function run(
  runId: string,
  cases: TestCase[],
  branch = 'feature',
  clusters: FailureCluster[] = [],
): RunRecord {
  return runRecord({
    runId,
    repo: { dir: '/r', commit: 'abc', branch, dirty: false },
    phases: [
      testsPhase(cases),
      ...(clusters.length
        ? [phaseEntry('root-cause', { title: 'rc', verdict: undefined, data: { clusters } })]
        : []),
    ],
  });
}

const STAT: DiffStat = {
  base: 'main',
  mergeBase: 'f'.repeat(40),
  files: [{ path: 'src/a.ts', added: 3, deleted: 1 }],
  lines: 4,
  areas: ['src'],
};

function input(over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    config: decisionSchema.parse({}),
    tests: testsPhase([t('a', 'passed'), t('b', 'passed')]),
    clusters: [],
    compliance: { configured: false, result: undefined },
    deploy: { configured: false, result: undefined },
    diff: { base: 'main', stat: STAT },
    previous: null,
    baseRun: null,
    previousClusters: [],
    previousViolations: null,
    currentViolations: null,
    ...over,
  };
}

const skipped = <I extends PhaseId>(id: I): PhaseEntry<I> => ({
  id,
  index: 0,
  title: id,
  state: 'skipped',
  reason: 'not built',
  findings: [],
});

describe('tests-authentic', () => {
  it('passes with executed tests and no error finding', () =>
    expect(testsAuthentic(input()).verdict).toBe('pass'));
  it('fails on an authenticity error finding', () => {
    const r = testsAuthentic(
      input({
        tests: testsPhase([t('a', 'passed')], {
          findings: [{ kind: 'zero-durations', severity: 'error', message: 'all 0 ms', subject: 's' }],
        }),
      }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toContain('zero-durations');
  });
  it('passes for a suite judged by its exit code alone (no report: a warning, not an error)', () => {
    const r = testsAuthentic(
      input({
        tests: testsPhase([], {
          findings: [{ kind: 'no-report', severity: 'warning', message: 'no report' }],
        }),
      }),
    );
    expect(r.verdict).toBe('pass');
    expect(r.evidence[1]).toBe('phase 2: 1 warning(s): no-report');
  });
  it('is inconclusive when tests did not run', () => {
    const r = testsAuthentic(input({ tests: skipped('run-tests') }));
    expect(r.verdict).toBe('inconclusive');
    expect(r.evidence[0]).toContain('not built');
  });
});

describe('gates-passed', () => {
  it('passes when every gate passed', () =>
    expect(gatesPassed(input({ tests: testsPhase([t('a', 'passed')], { gate: 'pass' }) })).verdict).toBe(
      'pass',
    ));
  it('fails on NO-GO', () =>
    expect(gatesPassed(input({ tests: testsPhase([t('a', 'failed')], { gate: 'fail' }) })).verdict).toBe(
      'fail',
    ));
  it('fails when the gate passed but a suite failed (a gate does not make failures green)', () => {
    const r = gatesPassed(
      input({ tests: testsPhase([t('a', 'passed'), t('b', 'passed'), t('c', 'failed')], { gate: 'pass' }) }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toBe('phase 2: suite `s` is fail');
  });
  it('without gates, fails when a suite failed', () =>
    expect(gatesPassed(input({ tests: testsPhase([t('a', 'failed')]) })).verdict).toBe('fail'));
  it('is inconclusive when tests did not run', () =>
    expect(gatesPassed(input({ tests: undefined })).verdict).toBe('inconclusive'));
});

describe('no-regressions', () => {
  it('fails when a test that passed on the base branch fails now', () => {
    const r = noRegressions(
      input({
        tests: testsPhase([t('a', 'passed'), t('b', 'failed')]),
        baseRun: run('tdl-base', [t('a', 'passed'), t('b', 'passed')], 'main'),
      }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence.join('\n')).toContain('b: passed in tdl-base, now failed');
  });
  it('passes when the failing test already failed before', () => {
    const r = noRegressions(
      input({
        tests: testsPhase([t('a', 'passed'), t('b', 'failed')]),
        previous: run('tdl-prev', [t('a', 'passed'), t('b', 'failed')]),
      }),
    );
    expect(r.verdict).toBe('pass');
  });
  it('lists flaky tests without counting them, unless flaky: fail', () => {
    const cases = [t('a', 'passed', true), t('b', 'passed')];
    const prev = run('tdl-prev', [t('a', 'passed'), t('b', 'passed')]);
    const ignore = noRegressions(input({ tests: testsPhase(cases), previous: prev }));
    expect(ignore.verdict).toBe('pass');
    expect(ignore.evidence.join('\n')).toContain('flaky, listed not counted');
    const strict = noRegressions(
      input({ config: decisionSchema.parse({ flaky: 'fail' }), tests: testsPhase(cases), previous: prev }),
    );
    expect(strict.verdict).toBe('fail');
  });
  it('passes without a baseline when no test fails (nothing can have regressed)', () =>
    expect(noRegressions(input()).verdict).toBe('pass'));
  it('is inconclusive when tests fail and there is nothing to compare with', () =>
    expect(noRegressions(input({ tests: testsPhase([t('a', 'failed')]) })).verdict).toBe('inconclusive'));
});

describe('no-new-violations', () => {
  // Only the counts the criterion reads; the rest of phase 4's data as an audit of nothing leaves it.
  const compliance = (
    counts: Pick<ComplianceSummary, 'introducedCount' | 'newSinceBaselineCount'>,
  ): DecisionInput['compliance'] => ({
    configured: true,
    result: phaseEntry('compliance', {
      data: {
        totalViolations: 0,
        scores: {},
        filesAudited: 0,
        scopes: {},
        byRule: {},
        bySeverity: {},
        failingCount: 0,
        top: [],
        introduced: [],
        base: null,
        baseNote: '',
        baseline: null,
        previous: null,
        external: [],
        ...counts,
      },
    }),
  });
  it('passes with none introduced', () =>
    expect(
      noNewViolations(input({ compliance: compliance({ introducedCount: 0, newSinceBaselineCount: null }) }))
        .verdict,
    ).toBe('pass'));
  it('fails with some introduced', () => {
    const r = noNewViolations(
      input({ compliance: compliance({ introducedCount: 3, newSinceBaselineCount: null }) }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toBe('phase 4: 3 violation(s) introduced since the base');
  });
  it('is inconclusive when phase 4 was configured but skipped, or compared nothing', () => {
    expect(
      noNewViolations(input({ compliance: { configured: true, result: skipped('compliance') } })).verdict,
    ).toBe('inconclusive');
    expect(
      noNewViolations(
        input({ compliance: compliance({ introducedCount: null, newSinceBaselineCount: null }) }),
      ).verdict,
    ).toBe('inconclusive');
  });
  it('is not applicable without an audit section', () => {
    const r = noNewViolations(input());
    expect(r.applicable).toBe(false);
    expect(r.verdict).not.toBe('pass');
  });
});

describe('atomic-change', () => {
  it('passes within the limits', () => expect(atomicChange(input()).verdict).toBe('pass'));
  it('fails over the file limit', () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ path: `src/f${i}.ts`, added: 1, deleted: 0 }));
    const r = atomicChange(input({ diff: { base: 'main', stat: { ...STAT, files, lines: 40 } } }));
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toContain('40 file(s) changed (max 10) — over the limit');
  });
  it('fails when more top-level areas change than allowed', () =>
    expect(
      atomicChange(input({ diff: { base: 'main', stat: { ...STAT, areas: ['api', 'web'] } } })).verdict,
    ).toBe('fail'));
  it('is inconclusive when the base does not resolve', () =>
    expect(atomicChange(input({ diff: { base: 'nope', stat: null, reason: 'no such ref' } })).verdict).toBe(
      'inconclusive',
    ));
});

describe('deployment-healthy', () => {
  const deploy = (
    services: Pick<ServiceStatus, 'name' | 'verdict' | 'reason'>[],
  ): DecisionInput['deploy'] => ({
    configured: true,
    result: phaseEntry('deploy-status', {
      data: {
        services: services.map((s) => ({
          ...s,
          url: null,
          latestReadyRevision: null,
          latestCreatedRevision: null,
        })),
      },
    }),
  });
  it('passes when every service passes', () =>
    expect(
      deploymentHealthy(input({ deploy: deploy([{ name: 'api', verdict: 'pass', reason: 'ready' }]) }))
        .verdict,
    ).toBe('pass'));
  it('fails when one service is stale, and names that service first (it becomes the reason)', () => {
    const c = deploymentHealthy(
      input({
        deploy: deploy([
          { name: 'api', verdict: 'pass', reason: 'ready' },
          { name: 'web', verdict: 'fail', reason: 'stale' },
        ]),
      }),
    );
    expect(c.verdict).toBe('fail');
    expect(c.evidence[0]).toBe('phase 0: web: fail (stale)');
  });
  it('is inconclusive when phase 0 did not run or could not read one', () => {
    expect(
      deploymentHealthy(input({ deploy: { configured: true, result: skipped('deploy-status') } })).verdict,
    ).toBe('inconclusive');
    expect(
      deploymentHealthy(
        input({ deploy: deploy([{ name: 'api', verdict: 'inconclusive', reason: 'unreadable' }]) }),
      ).verdict,
    ).toBe('inconclusive');
  });
  it('is not applicable without services', () => expect(deploymentHealthy(input()).applicable).toBe(false));
});

describe('demonstrable-improvement', () => {
  it('passes when the pass rate went up', () => {
    const r = demonstrableImprovement(
      input({ previous: run('tdl-prev', [t('a', 'passed'), t('b', 'failed')]) }),
    );
    expect(r.verdict).toBe('pass');
    expect(r.evidence[0]).toBe('pass rate 50.0% in tdl-prev → 100.0% now');
  });
  it('passes when a previously failing cluster now passes', () => {
    const cluster = {
      id: 'c1',
      signature: 's',
      title: 'boom',
      message: 'boom',
      tier: 1,
      location: null,
      tests: [{ suiteId: 's', group: 'g', name: 'b', status: 'failed' as const }],
    };
    const now = testsPhase([t('a', 'failed'), t('b', 'passed')]);
    const r = demonstrableImprovement(
      input({
        tests: now,
        previous: run('tdl-prev', [t('a', 'passed'), t('b', 'failed')]),
        previousClusters: [cluster],
      }),
    );
    expect(r.verdict).toBe('pass');
    expect(r.evidence.join('\n')).toContain('cluster `c1`');
  });
  it('fails when nothing improved', () => {
    const r = demonstrableImprovement(
      input({ previous: run('tdl-prev', [t('a', 'passed'), t('b', 'passed')]) }),
    );
    expect(r.verdict).toBe('fail');
  });
  it('is inconclusive without an earlier run', () =>
    expect(demonstrableImprovement(input()).verdict).toBe('inconclusive'));
});
