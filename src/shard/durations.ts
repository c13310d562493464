/**
 * What the history store knows of durations, as the planner needs it: per suite, the sum of its
 * tests' latest recorded durations, and per test group (a file, for vitest, jest and most JUnit
 * reports of file-based runners) the same sum. Pure.
 */
import type { TestHistory } from '../history/model.js';

export interface RecordedDurations {
  /** Suite id → ms (tests with a recorded duration only). */
  suites: Map<string, number>;
  /** Suite id → group → ms. */
  groups: Map<string, Map<string, number>>;
}

/** Latest recorded duration of every test in `history` (newest run first), summed per suite and group. */
export function recordedDurations(history: TestHistory): RecordedDurations {
  const split = history.lines.map((l) => l.d.split(','));
  const suites = new Map<string, number>();
  const groups = new Map<string, Map<string, number>>();
  for (const [id, i] of history.index) {
    let ms: number | null = null;
    for (const d of split) {
      const v = d[i];
      if (v !== undefined && v !== '') {
        ms = Number(v);
        break;
      }
    }
    if (ms === null || !Number.isFinite(ms)) continue;
    const [suite = '', group = ''] = id.split('\u0000');
    suites.set(suite, (suites.get(suite) ?? 0) + ms);
    const g = groups.get(suite) ?? new Map<string, number>();
    groups.set(suite, g);
    g.set(group, (g.get(group) ?? 0) + ms);
  }
  return { suites, groups };
}
