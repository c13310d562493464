import { describe, expect, it } from 'vitest';
import type { PhaseId, PhaseResult, RunRecord } from '../../src/core/record.js';
import { headlineReasons } from '../../src/decision/headline.js';
import type { DeployStatusData } from '../../src/phase-data/deploy-status.js';
import type { PhaseDataMap } from '../../src/phase-data/index.js';
import type { SuiteResult } from '../../src/phase-data/run-tests.js';
import type { CriterionResult, StabilityData } from '../../src/phase-data/stability.js';
import { figures } from '../../src/worklog/figures.js';
import { executiveSummary } from '../../src/worklog/render.js';
import { runTestsData, suiteResult, tierResult } from '../builders/results.js';
import { phaseEntry, runRecord } from '../builders/run.js';

const view = { rel: (p: string) => p };

function suite(
  id: string,
  tier: number,
  verdict: SuiteResult['verdict'],
  state: SuiteResult['state'] = 'completed',
): SuiteResult {
  return suiteResult(id, [], { tier, categories: [id], state, verdict });
}

function build(opts: {
  gate: 'pass' | 'fail';
  suites: SuiteResult[];
  criteria: CriterionResult[];
  services?: DeployStatusData['services'];
}): RunRecord {
  const gateRate = opts.gate === 'fail' ? 0.625 : 0.9;
  const gateReason =
    opts.gate === 'fail' ? 'pass rate 62.5% (5/8) is below 80.0%' : 'pass rate 90.0% (9/10) meets 80.0%';
  const tiers = [
    tierResult(
      1,
      opts.suites.filter((s) => s.tier === 1),
      {
        passRate: gateRate,
        gate: { afterTier: 1, minPassRate: 0.8, passRate: gateRate, verdict: opts.gate, reason: gateReason },
      },
    ),
  ];
  const tests = runTestsData(opts.suites, {
    tiers,
    passRate: gateRate,
    noGo: opts.gate === 'fail' ? { afterTier: 1, reason: gateReason } : null,
  });
  const phase = <I extends PhaseId>(
    id: I,
    data: PhaseDataMap[I],
    state: PhaseResult['state'] = 'completed',
  ) => phaseEntry(id, { state, verdict: undefined, data });
  const stability: StabilityData = { criteria: opts.criteria };
  const failing = opts.criteria.filter((c) => c.required && c.verdict !== 'pass');
  return runRecord({
    runId: 'tdl-20261201-000000-aaaaaa',
    runDir: '/r',
    repo: { dir: '/r', commit: null, branch: null, dirty: null },
    decision: failing.length
      ? { decision: 'defer', reasons: failing.map((c) => `${c.id} ${c.verdict}: ${c.evidence[0]}`) }
      : { decision: 'proceed', reasons: ['all passed'] },
    phases: [
      phase('deploy-status', { services: opts.services ?? [] }, opts.services ? 'completed' : 'skipped'),
      phase('run-tests', tests),
      phase('stability', stability),
    ],
  });
}

const c = (
  id: CriterionResult['id'],
  verdict: CriterionResult['verdict'],
  evidence: string[],
): CriterionResult => ({
  id,
  required: true,
  verdict,
  evidence,
});

describe('the decision headline', () => {
  it('names every failed and inconclusive required criterion in plain words, failures first', () => {
    const record = build({
      gate: 'fail',
      suites: [suite('critical', 1, 'fail'), suite('api', 2, 'inconclusive', 'skipped')],
      criteria: [
        c('tests-authentic', 'pass', ['ok']),
        c('gates-passed', 'fail', ['phase 2: NO-GO after tier 1: pass rate 62.5% (5/8) is below 80.0%']),
        c('no-regressions', 'fail', ['2 regression(s) compared with run tdl-x', 'a', 'b']),
        c('deployment-healthy', 'fail', ['phase 0: demo-frontend: fail (stale)']),
        { ...c('atomic-change', 'inconclusive', ['diff not measured']), required: false },
      ],
      services: [
        {
          name: 'demo-backend',
          verdict: 'pass',
          reason: 'ok',
          url: null,
          latestReadyRevision: null,
          latestCreatedRevision: null,
          kind: 'healthy',
        },
        {
          name: 'demo-frontend',
          verdict: 'fail',
          reason: 'stale',
          url: null,
          latestReadyRevision: null,
          latestCreatedRevision: null,
          kind: 'stale',
        },
      ],
    });
    expect(headlineReasons(record)).toEqual([
      'gate after tier 1 failed (62.5% < 80.0%)',
      'suite critical failed',
      '2 regressions',
      'demo-frontend revision stale',
    ]);
    const summary = executiveSummary(record, view);
    expect(summary).toContain(
      '- **Decision:** DEFER — gate after tier 1 failed (62.5% < 80.0%); suite critical failed; 2 regressions; demo-frontend revision stale\n',
    );
    expect(summary).not.toContain('more reason');
  });

  it('never says "all gates passed" plainly under a decision that failed on a suite', () => {
    const record = build({
      gate: 'pass',
      suites: [suite('critical', 1, 'pass'), suite('api', 1, 'fail')],
      criteria: [c('gates-passed', 'fail', ['phase 2: suite `api` is fail'])],
    });
    const summary = executiveSummary(record, view);
    expect(summary).toContain('- **Decision:** DEFER — suite api failed\n');
    expect(summary).toContain('- **Gates:** all 1 gate(s) passed, but suite(s) api failed\n');
  });

  it('says what is unknown as unknown, after the failures', () => {
    const record = build({
      gate: 'pass',
      suites: [suite('critical', 1, 'pass')],
      criteria: [
        c('no-regressions', 'inconclusive', ['no earlier run']),
        c('no-new-violations', 'fail', ['phase 4: 3 violation(s) introduced since the base']),
      ],
    });
    expect(figures(record).decisionReason).toBe(
      '3 new violations; regressions unknown (no earlier run to compare with)',
    );
  });

  it('falls back to the id, verdict and first evidence line for a criterion it has no words for', () => {
    const record = build({
      gate: 'pass',
      suites: [suite('critical', 1, 'pass')],
      criteria: [c('some-new-criterion' as CriterionResult['id'], 'fail', ['3 new errors in the logs'])],
    });
    expect(headlineReasons(record)).toEqual(['some-new-criterion fail: 3 new errors in the logs']);
  });

  it('on proceed, keeps phase 5 reason', () => {
    const record = build({
      gate: 'pass',
      suites: [suite('critical', 1, 'pass')],
      criteria: [c('gates-passed', 'pass', ['ok'])],
    });
    expect(figures(record).decisionReason).toBe('all passed');
  });
});
