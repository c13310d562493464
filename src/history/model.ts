/**
 * The test history's data (pure): what one run adds to the store, and one test's outcomes over the
 * runs read back. The store (./store.ts) keeps, per playbook, a dictionary of test ids (a test's
 * index is its line) and one outcome line per run: a character per known test, so a run of 2,000
 * tests is one line of about 10 KB whatever the history's length.
 */

import { clustersFor } from '../clustering/cluster.js';
import type { RunRecord } from '../core/record.js';
import { testKey } from '../decision/compare.js';
import { phaseResult } from '../phase-data/index.js';
import { testIdsOf } from '../results/identity.js';
import type { TestCase } from '../results/model.js';
import type { OutcomeCode } from './classify.js';

export const HISTORY_VERSION = 1;

export function outcomeCode(c: TestCase): OutcomeCode {
  switch (c.status) {
    case 'passed':
      return c.flaky ? 'r' : 'p';
    case 'failed':
      return c.flaky ? 'g' : 'f';
    case 'errored':
      return 'e';
    default:
      return 's';
  }
}

export const OUTCOME_WORDS: Record<OutcomeCode, string> = {
  p: 'passed',
  r: 'passed on retry',
  f: 'failed',
  g: 'failed (passed in an earlier attempt)',
  e: 'errored',
  s: 'skipped',
  '.': 'not run',
};

/** One line of `runs.jsonl`: a run's identity and the figures the INDEX and trend show. */
export interface RunEntry {
  v: number;
  run: string;
  at: string;
  playbook: string;
  commit: string | null;
  branch: string | null;
  /** Revision tested per Cloud Run service (phase 0), when known. */
  revisions: Record<string, string>;
  dryRun: boolean;
  /** True when phase 2 completed: the run has an outcome line. */
  tests: boolean;
  /** Figures shown in the INDEX, computed once by figures() when the run ended. */
  row: IndexRow;
}

export interface IndexRow {
  worklog: string | null;
  focus: string;
  passRate: number | null;
  passRateText: string;
  passed: number;
  failed: number;
  errored: number;
  gates: string;
  violations: number | null;
  decision: string;
  tiers: { tier: number; passRate: number | null; state: string }[];
  iterations: number | null;
  decisionReason: string;
  state: string;
}

/** One line of `outcomes.jsonl`: every known test's outcome in one run. */
export interface OutcomeLine {
  v: number;
  run: string;
  /** Outcome codes, one per dictionary index (shorter than the dictionary: the rest is `.`). */
  s: string;
  /** Durations in ms, comma-separated, aligned with `s` (empty: unknown or not run). */
  d: string;
  /** Attempts of the suite, by dictionary index, where more than one. */
  a?: Record<string, number>;
  /** Failure cluster id, by dictionary index. */
  c?: Record<string, string>;
  /** Executed tests (passed + failed + errored) per suite. */
  executed: Record<string, number>;
}

/** A test's identity in the store (the one test id of src/decision/compare.ts) and how it reads. */
export function historyId(suiteId: string, c: Pick<TestCase, 'suite' | 'name'>): string {
  return testKey(suiteId, c.suite, c.name);
}

/** `suite › group › name`, how a person reads and types a test id (its home: results/identity.ts). */
export { idLabel } from '../results/identity.js';

export interface EncodedRun {
  entry: RunEntry;
  /** Null when the run has no test results to record (dry run, phase 2 not completed). */
  outcomes: { line: Omit<OutcomeLine, 's' | 'd' | 'a' | 'c'>; tests: Map<string, TestFacts> } | null;
}

export interface TestFacts {
  code: OutcomeCode;
  durationMs: number | null;
  attempts: number;
  cluster: string | null;
}

/** What a finished run adds to the history (the outcome line is aligned to the dictionary by the store). */
export function encodeRun(record: RunRecord, row: IndexRow): EncodedRun {
  const deploy = phaseResult(record, 'deploy-status');
  const revisions: Record<string, string> = {};
  for (const s of deploy?.data?.services ?? []) if (s.target?.revision) revisions[s.name] = s.target.revision;
  const tests = phaseResult(record, 'run-tests');
  const ran = !record.options.dryRun && tests?.state === 'completed' && Boolean(tests.data);
  const entry: RunEntry = {
    v: HISTORY_VERSION,
    run: record.runId,
    at: record.startedAt,
    playbook: record.playbook.name,
    commit: record.repo.commit,
    branch: record.repo.branch,
    revisions,
    dryRun: record.options.dryRun,
    tests: ran,
    row,
  };
  if (!ran) return { entry, outcomes: null };
  const idOf = testIdsOf();
  const clusterOf = new Map<string, string>();
  for (const cl of clustersFor(record))
    for (const t of cl.tests) clusterOf.set(idOf(t.suiteId, t.group, t.name), cl.id);
  const facts = new Map<string, TestFacts>();
  const executed: Record<string, number> = {};
  for (const suite of tests!.data!.suites) {
    if (suite.state === 'skipped') continue;
    executed[suite.id] = suite.counts.passed + suite.counts.failed + suite.counts.errored;
    for (const c of suite.cases) {
      const id = idOf(suite.id, c.suite, c.name);
      facts.set(id, {
        code: outcomeCode(c),
        durationMs: c.durationMs,
        attempts: Math.max(1, suite.attempts.length),
        cluster: clusterOf.get(id) ?? null,
      });
    }
  }
  return { entry, outcomes: { line: { v: HISTORY_VERSION, run: record.runId, executed }, tests: facts } };
}

/** The outcome line for `facts`, given each test's dictionary index. */
export function outcomeLine(
  base: Omit<OutcomeLine, 's' | 'd' | 'a' | 'c'>,
  facts: Map<string, TestFacts>,
  indexOf: (id: string) => number,
): OutcomeLine {
  const codes: string[] = [];
  const durations: string[] = [];
  const attempts: Record<string, number> = {};
  const clusters: Record<string, string> = {};
  for (const [id, f] of facts) {
    const i = indexOf(id);
    codes[i] = f.code;
    durations[i] = f.durationMs === null ? '' : String(Math.round(f.durationMs));
    if (f.attempts > 1) attempts[i] = f.attempts;
    if (f.cluster) clusters[i] = f.cluster;
  }
  const s = Array.from(codes, (c) => c ?? '.').join('');
  const d = Array.from(durations, (x) => x ?? '').join(',');
  return {
    ...base,
    s,
    d,
    ...(Object.keys(attempts).length ? { a: attempts } : {}),
    ...(Object.keys(clusters).length ? { c: clusters } : {}),
  };
}

/** One test in one earlier run. */
export interface TestRunOutcome {
  run: string;
  at: string;
  commit: string | null;
  code: OutcomeCode;
  durationMs: number | null;
  attempts: number;
  cluster: string | null;
}

/** Earlier runs (newest first) and, per test id, its outcome in each of them (`.` when absent). */
export interface TestHistory {
  /** The runs read, newest first (runs with test results only). */
  runs: RunEntry[];
  /** Outcome codes per test id, aligned with `runs` (index 0 = newest). */
  codes: Map<string, string>;
  /** Per run (aligned with `runs`), its raw outcome line, for durations, attempts and clusters. */
  lines: OutcomeLine[];
  /** Dictionary index of each test id. */
  index: Map<string, number>;
}

export const emptyHistory = (): TestHistory => ({ runs: [], codes: new Map(), lines: [], index: new Map() });

/** Builds the per-test view from dictionary and outcome lines (both aligned, newest first). */
const DOT = 46; // '.': not in that run

export function buildHistory(ids: readonly string[], runs: RunEntry[], lines: OutcomeLine[]): TestHistory {
  const index = new Map<string, number>();
  const codes = new Map<string, string>();
  // One column of the lines per test, built in a byte buffer (codes are ASCII): 2,000 tests x 50 runs
  // by string concatenation and a regex took 10 ms of the history step.
  const column = Buffer.alloc(lines.length);
  for (const [i, id] of ids.entries()) {
    index.set(id, i);
    let any = false;
    for (let k = 0; k < lines.length; k++) {
      const c = lines[k]!.s.charCodeAt(i);
      const code = Number.isNaN(c) ? DOT : c; // NaN past the end of a shorter line: not in that run
      column[k] = code;
      if (code !== DOT) any = true;
    }
    if (any) codes.set(id, column.toString('latin1'));
  }
  return { runs, codes, lines, index };
}

/** One test's outcomes in the runs of `history`, newest first (runs it was not in are left out). */
export function testOutcomes(history: TestHistory, id: string): TestRunOutcome[] {
  const i = history.index.get(id);
  if (i === undefined) return [];
  const out: TestRunOutcome[] = [];
  for (const [k, line] of history.lines.entries()) {
    const code = (line.s[i] ?? '.') as OutcomeCode;
    if (code === '.') continue;
    const run = history.runs[k]!;
    const d = line.d.split(',')[i];
    out.push({
      run: run.run,
      at: run.at,
      commit: run.commit,
      code,
      durationMs: d === undefined || d === '' ? null : Number(d),
      attempts: line.a?.[i] ?? 1,
      cluster: line.c?.[i] ?? null,
    });
  }
  return out;
}
