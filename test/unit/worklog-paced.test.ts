/** The worklog's pace (src/worklog/paced.ts), on vitest's fake timers and a clock of their time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pacedWrites } from '../../src/worklog/paced.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A paced writer whose writes note the state they rendered. */
function paced(everyMs = 1000) {
  const state = { phase: 'none' };
  const written: string[] = [];
  const w = pacedWrites(
    () => written.push(state.phase),
    everyMs,
    () => Date.now(),
  );
  return { state, written, w };
}

describe('pacedWrites', () => {
  it('writes at most once per interval, the state of when it writes; the first save one interval after it', () => {
    const { state, written, w } = paced();
    state.phase = 'deploy-status';
    w.request();
    // The first save is written an interval later (or when tdl waits, see below), not before phase 0.
    expect(written).toEqual([]);
    vi.advanceTimersByTime(10);
    state.phase = 'select-tests';
    w.request();
    vi.advanceTimersByTime(10);
    state.phase = 'run-tests';
    w.request();
    // Within the interval: nothing yet, one write pending.
    expect(written).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(979);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(1);
    // One write, 1000 ms after the first save, of the state then.
    expect(written).toEqual(['run-tests']);
    expect(vi.getTimerCount()).toBe(0);
    // No change, no write.
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['run-tests']);
    // A change after a quiet interval is written at once.
    state.phase = 'root-cause';
    w.request();
    expect(written).toEqual(['run-tests', 'root-cause']);
    // One within the interval waits for it to pass.
    state.phase = 'compliance';
    w.request();
    expect(written).toEqual(['run-tests', 'root-cause']);
    vi.advanceTimersByTime(1000);
    expect(written).toEqual(['run-tests', 'root-cause', 'compliance']);
  });

  it('when tdl starts waiting (idle), a pending write is done at once; with none pending, nothing', () => {
    const { state, written, w } = paced();
    w.idle();
    expect(written).toEqual([]);
    state.phase = 'deploy-status';
    w.request();
    state.phase = 'run-tests';
    w.request();
    // The first suite started: the worklog is written while it runs.
    w.idle();
    expect(written).toEqual(['run-tests']);
    expect(vi.getTimerCount()).toBe(0);
    // The next suites of the phase: nothing changed, nothing written.
    w.idle();
    w.idle();
    expect(written).toEqual(['run-tests']);
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['run-tests']);
  });

  it('flush writes the final state at once and cancels the pending write; cancel drops it', () => {
    const { state, written, w } = paced();
    w.request();
    state.phase = 'stability';
    w.request();
    expect(vi.getTimerCount()).toBe(1);
    state.phase = 'done';
    w.flush();
    expect(written).toEqual(['done']);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    w.idle();
    expect(written).toEqual(['done']);

    const other = paced();
    other.w.request();
    other.w.request();
    other.w.cancel();
    vi.advanceTimersByTime(5000);
    other.w.idle();
    expect(other.written).toEqual([]);
  });

  it('a pending write that fails is thrown by the next request, not from its timer nor from idle', () => {
    let fail = true;
    let writes = 0;
    const w = pacedWrites(
      () => {
        writes += 1;
        if (fail) throw new Error('ENOSPC: no space left on device');
      },
      1000,
      () => Date.now(),
    );
    w.request();
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(writes).toBe(1);
    expect(() => w.request()).toThrow('ENOSPC');
    // Thrown once; the next write is pending again.
    w.request();
    expect(() => w.idle()).not.toThrow();
    expect(writes).toBe(2);
    expect(() => w.request()).toThrow('ENOSPC');
    // The final write still happens.
    fail = false;
    w.flush();
    expect(writes).toBe(3);
  });
});

describe('pacedWrites on real timers', () => {
  it('a pending write does not keep the process alive', async () => {
    vi.useRealTimers();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    let writes = 0;
    let second!: () => void;
    const wrote = new Promise<void>((resolve) => {
      second = resolve;
    });
    const w = pacedWrites(() => {
      writes += 1;
      if (writes === 1) second();
    }, 50);
    w.request();
    w.request();
    // A write is pending, on a timer not listed as keeping the event loop alive (unref).
    expect(writes).toBe(0);
    expect(timers()).toBe(before);
    await wrote;
    expect(writes).toBe(1);
  });
});
