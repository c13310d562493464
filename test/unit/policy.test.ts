import { describe, expect, it } from 'vitest';
import { decide } from '../../src/decision/policy.js';
import type { CriterionResult } from '../../src/phase-data/stability.js';

const c = (
  id: CriterionResult['id'],
  verdict: CriterionResult['verdict'],
  required = true,
  applicable = true,
): CriterionResult => ({
  id,
  verdict,
  required,
  evidence: [`${id} evidence`],
  ...(applicable ? {} : { applicable: false as const }),
});

describe('decide', () => {
  it('proceeds when every required criterion passes, whatever the optional ones say', () => {
    const d = decide([
      c('tests-authentic', 'pass'),
      c('gates-passed', 'pass'),
      c('atomic-change', 'fail', false),
    ]);
    expect(d.decision).toBe('proceed');
    expect(d.reasons[0]).toBe('all 2 required criteria passed: tests-authentic, gates-passed');
  });
  it('defers on a required fail, with failures before inconclusive ones', () => {
    const d = decide([
      c('tests-authentic', 'inconclusive'),
      c('gates-passed', 'fail'),
      c('no-regressions', 'pass'),
    ]);
    expect(d.decision).toBe('defer');
    expect(d.reasons).toEqual([
      'gates-passed fail: gates-passed evidence',
      'tests-authentic inconclusive: tests-authentic evidence',
    ]);
  });
  it('never turns inconclusive into proceed', () => {
    expect(decide([c('no-regressions', 'inconclusive')]).decision).toBe('defer');
  });
  it('does not count a required criterion that does not apply, and says so', () => {
    const d = decide([c('gates-passed', 'pass'), c('deployment-healthy', 'inconclusive', true, false)]);
    expect(d.decision).toBe('proceed');
    expect(d.reasons[1]).toBe('not applicable (nothing configured): deployment-healthy');
  });
});
