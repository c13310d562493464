import { describe, expect, expectTypeOf, it } from 'vitest';
import { dataOf, phaseData, phaseResult } from '../../src/phase-data/index.js';
import type { PublishData } from '../../src/phase-data/publish.js';
import type { RunTestsData } from '../../src/phase-data/run-tests.js';
import { phaseEntry, runRecord } from '../builders/run.js';

const counts = { total: 1, passed: 1, failed: 0, errored: 0, skipped: 0, flaky: 0, durationMs: 3 };
const tests = { tiers: [], suites: [], counts, passRate: 1, noGo: null };
const record = runRecord({
  phases: [phaseEntry('select-tests'), phaseEntry('run-tests', { data: tests })],
});

describe('phase data, typed by the phase id', () => {
  it("reads a phase's entry and its data by id", () => {
    expect(phaseResult(record, 'run-tests')?.id).toBe('run-tests');
    expect(phaseData(record, 'run-tests')).toBe(tests);
    expectTypeOf(phaseData(record, 'run-tests')).toEqualTypeOf<RunTestsData | undefined>();
    expectTypeOf(phaseResult(record, 'publish')?.data).toEqualTypeOf<PublishData | undefined>();
  });

  it('is undefined for a phase that is not in the record, or that left no data', () => {
    expect(phaseResult(record, 'publish')).toBeUndefined();
    expect(phaseData(record, 'publish')).toBeUndefined();
    expect(phaseData(record, 'select-tests')).toBeUndefined();
  });

  it("gives an entry's data only when the entry is the phase asked for", () => {
    const entry = record.phases[1]!;
    expect(dataOf(entry, 'run-tests')).toBe(tests);
    expect(dataOf(entry, 'root-cause')).toBeUndefined();
  });
});
