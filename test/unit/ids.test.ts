import { describe, expect, it } from 'vitest';
import { isRunId, newRunId, stableHash, traceIdForRun, traceparentForRun } from '../../src/core/ids.js';

describe('run ids', () => {
  it('has the tdl-YYYYMMDD-HHMMSS-xxxxxx shape in UTC', () => {
    const id = newRunId(new Date('2026-11-22T03:05:52.123Z'), () => Buffer.from([0xab, 0xcd, 0xef]));
    expect(id).toBe('tdl-20261122-030552-abcdef');
    expect(isRunId(id)).toBe(true);
  });
  it('differs between two runs started in the same second', () => {
    const at = new Date();
    expect(newRunId(at)).not.toBe(newRunId(at));
  });
  it('rejects other shapes', () => {
    expect(isRunId('tdl-2026-11-22')).toBe(false);
    expect(isRunId('../../etc')).toBe(false);
  });
});

describe('trace context', () => {
  it('derives one trace id per run, with a fresh span per child', () => {
    const a = traceparentForRun('tdl-20261122-030552-abcdef');
    const b = traceparentForRun('tdl-20261122-030552-abcdef');
    expect(a).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(a.split('-')[1]).toBe(traceIdForRun('tdl-20261122-030552-abcdef'));
    expect(a.split('-')[1]).toBe(b.split('-')[1]);
    expect(a.split('-')[2]).not.toBe(b.split('-')[2]);
    expect(traceIdForRun('tdl-20261122-030552-000000')).not.toBe(traceIdForRun('tdl-20261122-030552-abcdef'));
  });
  it('never emits an all-zero span id', () => {
    expect(traceparentForRun('tdl-20261122-030552-abcdef', (n) => Buffer.alloc(n))).toMatch(
      /-0000000000000001-01$/,
    );
  });
});

describe('stableHash', () => {
  it('is stable and separates parts', () => {
    expect(stableHash(['a', 'b'])).toBe(stableHash(['a', 'b']));
    expect(stableHash(['ab', ''])).not.toBe(stableHash(['a', 'b']));
    expect(stableHash('x', 8)).toHaveLength(8);
  });
});
