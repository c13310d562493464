/**
 * Regression ranges (pure): for each test failing now, the commit where it last passed and the state
 * where it started failing, from the history store. Tests that broke across the same range broke
 * with the same change; when that change is one hunk of code, phase 3 groups their failures as one
 * cause whatever their messages (src/clustering/cluster.ts), as a CI dashboard groups failures by
 * regression range.
 *
 * A range is fixed once the test has failed: the run it last passed in and the run it first failed
 * in do not move while it keeps failing, so the grouping (and the issue it files) is the same night
 * after night, whatever lands meanwhile.
 */
import { isTestFile } from '../clustering/signature.js';
import type { SuiteResult } from '../phase-data/run-tests.js';
import type { TestHistory } from './model.js';
import { historyId, outcomeCode } from './model.js';

/** Failing tests that broke between the same two states of the repository. */
export interface RegressionRange {
  /** The commit of the newest earlier run in which each of these tests passed. */
  from: string;
  /**
   * The commit of the run their failing streak started in; null when that is the commit checked out
   * now with changes in the working tree: the change is then read against this working tree.
   */
  to: string | null;
  /** The test ids (src/results/identity.ts), in report order. */
  tests: string[];
}

/** Ranges read at most (the largest first): each costs a git diff. */
export const MAX_RANGES = 8;

const PASSED = new Set(['p', 'r']);
const FAILING = new Set(['f', 'g', 'e']);

/**
 * The regression ranges of this run's failing tests. Left out: a test with no pass in the history
 * read (new, or failing for longer than the history's window), a test judged flaky or broken
 * (`unhealthy`: its failure says nothing about a change), and a test failing at the very commit it
 * last passed at with a clean working tree (nothing changed: the environment).
 */
export function regressionRanges(
  suites: readonly SuiteResult[],
  history: TestHistory,
  headCommit: string | null,
  unhealthy: ReadonlySet<string>,
  /** Whether the working tree has changes (unknown: taken as yes, the working tree is read). */
  dirty = true,
): RegressionRange[] {
  const byRange = new Map<string, RegressionRange>();
  for (const suite of suites) {
    if (suite.state === 'skipped') continue;
    for (const c of suite.cases) {
      if (!FAILING.has(outcomeCode(c))) continue;
      const id = historyId(suite.id, c);
      if (unhealthy.has(id)) continue;
      const codes = history.codes.get(id) ?? '';
      let from: string | null = null;
      let streakStart = -1; // -1: this run
      let passedAt = -1;
      for (let k = 0; k < codes.length; k++) {
        const code = codes[k]!;
        if (PASSED.has(code)) {
          passedAt = k;
          break;
        }
        if (FAILING.has(code)) streakStart = k;
      }
      if (passedAt === -1) continue;
      from = history.runs[passedAt]?.commit ?? null;
      if (!from) continue;
      const startCommit = streakStart === -1 ? headCommit : (history.runs[streakStart]?.commit ?? null);
      if (!startCommit) continue;
      // The streak started at the commit checked out now: its change is in this working tree, or in
      // that commit when the tree is clean.
      let to: string | null = startCommit === headCommit && dirty ? null : startCommit;
      // It started on the very commit the test last passed at: the change was in that run's working
      // tree, which the history does not keep; what changed since, up to now, holds it (so the range
      // then grows with what lands later, and joins only while nothing else changed).
      if (to === from) to = dirty ? null : headCommit;
      if (to === from || (to === null && !dirty)) continue;
      const key = `${from}\u0000${to ?? ''}`;
      const range = byRange.get(key);
      if (range) range.tests.push(id);
      else byRange.set(key, { from, to, tests: [id] });
    }
  }
  return [...byRange.values()].sort((a, b) => b.tests.length - a.tests.length).slice(0, MAX_RANGES);
}

/**
 * Whether a changed path counts as a change of the code under test: not a test file, not prose
 * (Markdown, text, reStructuredText, a licence or changelog), not under one of `skipDirs` (tdl's
 * worklog and state folders, which a team may commit), relative to the repository.
 */
export function isCodePath(path: string, skipDirs: readonly string[]): boolean {
  if (isTestFile(path)) return false;
  if (
    /\.(?:md|markdown|txt|rst|adoc)$/i.test(path) ||
    /(?:^|\/)(?:LICEN[CS]E|CHANGELOG|AUTHORS)[^/]*$/i.test(path)
  )
    return false;
  return !skipDirs.some((d) => d !== '' && (path === d || path.startsWith(`${d}/`)));
}
