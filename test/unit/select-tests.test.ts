import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { selectSuites } from '../../src/phases/1-select-tests/select.js';
import type { SuiteConfig } from '../../src/playbook/sections/suites.js';

function suite(id: string, tier: number, categories: string[] = []): SuiteConfig {
  return { id, tier, categories, command: ['x'], shell: false, env: {}, timeout: 1000, retries: 0 };
}

const suites = [
  suite('e2e', 3, ['e2e']),
  suite('unit', 1, ['fast']),
  suite('ws', 1, ['websocket']),
  suite('api', 2, ['fast']),
];

describe('selectSuites', () => {
  it('orders by tier, keeping playbook order within a tier', () => {
    const s = selectSuites(suites, 'all', new Set(), 'failing-first');
    expect(s.selected.map((x) => x.id)).toEqual(['unit', 'ws', 'api', 'e2e']);
    expect(s.excluded).toEqual([]);
  });

  it('puts suites that failed last run first within their tier', () => {
    const s = selectSuites(suites, 'all', new Set(['ws']), 'failing-first');
    expect(s.selected.map((x) => x.id)).toEqual(['ws', 'unit', 'api', 'e2e']);
    expect(s.selected[0]!.reason).toContain('failed in the previous run');
  });

  it('puts them last with failing-last, never across tiers', () => {
    const s = selectSuites(suites, 'all', new Set(['unit', 'e2e']), 'failing-last');
    expect(s.selected.map((x) => x.id)).toEqual(['ws', 'unit', 'api', 'e2e']);
  });

  it('filters by category or suite id and says why others were left out', () => {
    const s = selectSuites(suites, 'fast', new Set(), 'failing-first');
    expect(s.selected.map((x) => x.id)).toEqual(['unit', 'api']);
    expect(s.excluded.map((x) => x.id)).toEqual(['e2e', 'ws']);
    expect(selectSuites(suites, 'ws', new Set(), 'failing-first').selected.map((x) => x.id)).toEqual(['ws']);
  });

  it('rejects a focus matching nothing, listing the known categories', () => {
    expect(() => selectSuites(suites, 'nope', new Set(), 'failing-first')).toThrow(UsageError);
    expect(() => selectSuites(suites, 'nope', new Set(), 'failing-first')).toThrow(
      /known categories: e2e, fast, websocket/,
    );
  });
});
