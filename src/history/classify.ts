/**
 * Flaky truth (pure): each test is `healthy`, `flaky` or `broken` from its outcomes over the last
 * runs, with the runs that prove it.
 *
 * - `broken`: it failed (or errored) on every attempt in each of its last `broken.after` runs.
 * - `flaky`: within the last `window` runs it ran in, it passed only on a retry (or failed after
 *   passing in an earlier attempt) at least `retryPasses` times, or its outcome flipped between pass
 *   and fail at least `flips` times.
 * - `healthy`: neither.
 *
 * Broken is decided first: a test that fails every time now is broken whatever it did before, and a
 * quarantine can never hide it.
 */
import type { FlakyConfig, Health } from '../phase-data/test-health.js';

/**
 * A test's outcome in one run: `p` passed (on the first attempt), `r` passed on a retry (flaky pass),
 * `f` failed on every attempt, `g` failed after passing in an earlier attempt, `e` errored, `s`
 * skipped, `.` not in that run.
 */
export type OutcomeCode = 'p' | 'r' | 'f' | 'g' | 'e' | 's' | '.';

export const isFailure = (o: OutcomeCode) => o === 'f' || o === 'g' || o === 'e';

export const DEFAULT_FLAKY: FlakyConfig = { window: 20, retryPasses: 2, flips: 3, broken: { after: 3 } };

export interface HealthVerdict {
  health: Health;
  /** In words, with the counts that decided it. */
  why: string;
  /** The runs that prove it, newest first. */
  runs: string[];
}

/**
 * `codes[k]` is the test's outcome in `runIds[k]`, newest first (index 0: the current run). Runs it
 * was not in (`.`) or skipped in (`s`) do not count.
 */
export function classify(codes: string, runIds: readonly string[], cfg: FlakyConfig): HealthVerdict {
  const ran: { code: OutcomeCode; run: string }[] = [];
  for (let k = 0; k < codes.length && ran.length < cfg.window; k++) {
    const code = codes[k] as OutcomeCode;
    if (code === '.' || code === 's') continue;
    ran.push({ code, run: runIds[k] ?? `run ${k}` });
  }
  const lastN = ran.slice(0, cfg.broken.after);
  if (lastN.length >= cfg.broken.after && lastN.every((r) => r.code === 'f' || r.code === 'e')) {
    return {
      health: 'broken',
      why: `failed on every attempt in its last ${cfg.broken.after} run(s)`,
      runs: lastN.map((r) => r.run),
    };
  }
  const retried = ran.filter((r) => r.code === 'r' || r.code === 'g');
  const flipRuns: string[] = [];
  for (let k = 0; k + 1 < ran.length; k++) {
    const a = isFailure(ran[k]!.code);
    const b = isFailure(ran[k + 1]!.code);
    if (a !== b) flipRuns.push(ran[k]!.run);
  }
  if (retried.length >= cfg.retryPasses) {
    return {
      health: 'flaky',
      why: `outcome changed between attempts in ${retried.length} of its last ${ran.length} run(s) (threshold ${cfg.retryPasses})`,
      runs: retried.map((r) => r.run),
    };
  }
  if (flipRuns.length >= cfg.flips) {
    return {
      health: 'flaky',
      why: `flipped between pass and fail ${flipRuns.length} time(s) in its last ${ran.length} run(s) (threshold ${cfg.flips})`,
      runs: flipRuns,
    };
  }
  return { health: 'healthy', why: `${ran.length} run(s) looked at`, runs: [] };
}

/**
 * Consecutive runs, newest first, in which the test ran and passed on the first attempt; runs it was
 * not in or skipped in neither count nor break the streak.
 */
export function cleanStreak(codes: string): number {
  let n = 0;
  for (const code of codes) {
    if (code === '.' || code === 's') continue;
    if (code !== 'p') break;
    n++;
  }
  return n;
}
