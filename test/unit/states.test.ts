import { describe, expect, it } from 'vitest';
import { compareVerdicts, isFinal, worstState, worstVerdict } from '../../src/core/states.js';

describe('worstVerdict', () => {
  it.each([
    [['pass', 'pass'], 'pass'],
    [['pass', 'fail'], 'fail'],
    [['pass', 'inconclusive'], 'inconclusive'],
    [['inconclusive', 'fail', 'pass'], 'fail'],
    [[], 'inconclusive'],
  ] as const)('%j -> %s', (input, expected) => {
    expect(worstVerdict(input)).toBe(expected);
  });
});

describe('worstState', () => {
  it('ranks could-not-run states above completed ones', () => {
    expect(worstState(['completed', 'errored', 'completed'])).toBe('errored');
    expect(worstState(['completed', 'timed_out'])).toBe('timed_out');
    expect(worstState(['completed', 'skipped'])).toBe('skipped');
    expect(worstState(['completed'])).toBe('completed');
    expect(worstState([])).toBe('skipped');
  });
  it('knows which states are final', () => {
    expect(isFinal('running')).toBe(false);
    expect(isFinal('pending')).toBe(false);
    expect(isFinal('cancelled')).toBe(true);
  });
});

describe('compareVerdicts', () => {
  it('sorts worst first, by the same precedence as worstVerdict', () => {
    const sorted = (['pass', 'inconclusive', 'fail', 'pass'] as const).slice().sort(compareVerdicts);
    expect(sorted).toEqual(['fail', 'inconclusive', 'pass', 'pass']);
    expect(sorted[0]).toBe(worstVerdict(sorted));
  });
});
