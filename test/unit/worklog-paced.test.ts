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
  it('writes the first request at once, then at most once per interval, the state of when it writes', () => {
    const { state, written, w } = paced();
    state.phase = 'deploy-status';
    w.request();
    // The first save writes at once: the worklog exists (and its name is taken) from the start.
    expect(written).toEqual(['deploy-status']);
    vi.advanceTimersByTime(10);
    state.phase = 'select-tests';
    w.request();
    vi.advanceTimersByTime(10);
    state.phase = 'run-tests';
    w.request();
    // Within the interval: nothing yet, one write pending.
    expect(written).toEqual(['deploy-status']);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(979);
    expect(written).toEqual(['deploy-status']);
    vi.advanceTimersByTime(1);
    // One write, 1000 ms after the last, of the state then.
    expect(written).toEqual(['deploy-status', 'run-tests']);
    expect(vi.getTimerCount()).toBe(0);
    // No change, no write.
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['deploy-status', 'run-tests']);
    // A change after a quiet interval is written at once.
    state.phase = 'root-cause';
    w.request();
    expect(written).toEqual(['deploy-status', 'run-tests', 'root-cause']);
  });

  it('flush writes the final state at once and cancels the pending write; cancel drops it', () => {
    const { state, written, w } = paced();
    w.request();
    state.phase = 'stability';
    w.request();
    expect(vi.getTimerCount()).toBe(1);
    state.phase = 'done';
    w.flush();
    expect(written).toEqual(['none', 'done']);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['none', 'done']);

    const other = paced();
    other.w.request();
    other.w.request();
    other.w.cancel();
    vi.advanceTimersByTime(5000);
    expect(other.written).toEqual(['none']);
  });

  it('a pending write that fails is thrown by the next request, not from its timer', () => {
    let fail = false;
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
    fail = true;
    w.request();
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(writes).toBe(2);
    expect(() => w.request()).toThrow('ENOSPC');
    // Thrown once; the final write still happens.
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
      if (writes === 2) second();
    }, 50);
    w.request();
    w.request();
    // A write is pending, on a timer not listed as keeping the event loop alive (unref).
    expect(writes).toBe(1);
    expect(timers()).toBe(before);
    await wrote;
    expect(writes).toBe(2);
  });
});
