/**
 * `tests-not-weakened` (pure): what makes the tests ask less than before, found against the previous
 * run of the playbook and against the base ref, each with its evidence.
 *
 * Against the previous run: tests that vanished (neither run nor renamed), tests newly skipped, fewer
 * executed tests in a suite. Against the previous run's playbook and the base ref's playbook: suites
 * removed or their commands narrowed, gates lowered or removed, timeouts or retries raised, quarantine
 * entries added. Against the base ref: the audit baseline grown, and in the test files changed since
 * the base, tests removed from the source, skip/only markers added and a net loss of assertions.
 *
 * The rename rule: a test that is gone from one file (or group) and present, with the same name, in
 * another file of the same suite is a rename or a move, not a loss. Its assertions moved with it, so
 * the assertion count cannot hide a rename that dropped them.
 */
import type { TestPolicy } from '../phase-data/run-tests.js';
import type { Playbook } from '../playbook/load.js';
import {
  assertionCount,
  goHelpers,
  type SourceLang,
  skipMarkers,
  testFileLang,
  testNames,
} from './test-source.js';

export interface ListedTest {
  /** The one test id (src/decision/compare.ts). */
  id: string;
  suite: string;
  group: string;
  name: string;
  status: 'passed' | 'failed' | 'errored' | 'skipped';
}

/** The parts of a playbook that decide how much its tests ask (kept in phase 2's data). */
export function policyOf(playbook: Pick<Playbook, 'suites' | 'gates' | 'quarantine'>): TestPolicy {
  return {
    suites: playbook.suites.map((s) => ({
      id: s.id,
      command: s.command,
      timeoutMs: s.timeout,
      retries: s.retries,
    })),
    gates: playbook.gates.map((g) => ({ afterTier: g.afterTier, minPassRate: g.minPassRate })),
    quarantine: playbook.quarantine.map((q) => q.test),
  };
}

export interface RunTests {
  runId: string;
  tests: ListedTest[];
  /** Executed tests (passed + failed + errored) per suite that ran. */
  executed: Record<string, number>;
  /** Null for a run recorded before tdl kept its policy. */
  policy: TestPolicy | null;
}

/** A test file changed since the base: its text there and here (null: absent). */
export interface SourceChange {
  path: string;
  before: string | null;
  after: string | null;
}

export interface WeakeningInput {
  current: RunTests & { policy: TestPolicy };
  previous: RunTests | null;
  base: {
    ref: string;
    /** The playbook at the base ref; null when it was not there or not readable (`policyNote` says). */
    policy: TestPolicy | null;
    policyNote?: string;
    /** Test files changed since the base; null when the diff could not be read. */
    changes: SourceChange[] | null;
    /** Entries of the audit baseline at the base and now; null when there is none. */
    baselineBefore: number | null;
    baselineNow: number | null;
  } | null;
}

export interface Weakening {
  kind:
    | 'test-vanished'
    | 'test-newly-skipped'
    | 'executed-dropped'
    | 'suite-removed'
    | 'command-narrowed'
    | 'gate-lowered'
    | 'timeout-raised'
    | 'retries-raised'
    | 'quarantine-added'
    | 'baseline-grown'
    | 'test-removed-from-source'
    | 'skip-added-in-source'
    | 'assertions-lost';
  /** Where it was seen: `previous run <id>` or `base <ref>`. */
  against: string;
  message: string;
}

const executedStatus = (s: ListedTest['status']) => s !== 'skipped';

/** Against the previous run: vanished tests (with the rename rule), newly skipped tests, executed drops. */
export function runWeakenings(current: RunTests, previous: RunTests): Weakening[] {
  const against = `previous run ${previous.runId}`;
  const out: Weakening[] = [];
  const now = new Map(current.tests.map((t) => [t.id, t]));
  const ranNow = new Set(Object.keys(current.executed));
  const before = new Map(previous.tests.map((t) => [t.id, t]));
  // Names present now, per suite, that were not there before under the same id: rename targets.
  const newNames = new Map<string, Set<string>>();
  for (const t of current.tests)
    if (!before.has(t.id)) {
      const set = newNames.get(t.suite) ?? new Set<string>();
      set.add(t.name);
      newNames.set(t.suite, set);
    }
  for (const t of previous.tests) {
    // A suite that did not run now (another focus, a NO-GO) says nothing about its tests.
    if (!ranNow.has(t.suite)) continue;
    const n = now.get(t.id);
    if (!n) {
      if (newNames.get(t.suite)?.has(t.name)) continue; // renamed or moved
      out.push({
        kind: 'test-vanished',
        against,
        message: `${label(t)} ran in ${previous.runId} and is gone`,
      });
    } else if (executedStatus(t.status) && n.status === 'skipped') {
      out.push({ kind: 'test-newly-skipped', against, message: `${label(t)} was ${t.status}, now skipped` });
    }
  }
  for (const [suite, was] of Object.entries(previous.executed)) {
    const is = current.executed[suite];
    if (is !== undefined && is < was)
      out.push({
        kind: 'executed-dropped',
        against,
        message: `suite \`${suite}\` executed ${is} test(s), ${was} in ${previous.runId}`,
      });
  }
  return out;
}

const FILTER_FLAGS =
  /^(?:-k|-m|-t|-g|-run|--run|--grep|--testNamePattern|--testPathPattern|--testPathIgnorePatterns|--filter|--deselect|--ignore|--ignore-glob|--exclude|--skip|--bail|-x|--maxfail|--only|--shard|--changed|--onlyChanged|-o|--lf|--last-failed)(?:=|$)/;

/** Why `after` runs fewer tests than `before`, or null. */
export function narrowing(before: readonly string[], after: readonly string[]): string | null {
  const flagsBefore = new Set(before.filter((a) => FILTER_FLAGS.test(a)).map((a) => a.split('=')[0]));
  const added = after.filter((a) => FILTER_FLAGS.test(a) && !flagsBefore.has(a.split('=')[0]!));
  if (added.length) return `filter ${added.map((a) => `\`${a}\``).join(', ')} added`;
  const filterValues = (args: readonly string[]) => {
    const out: string[] = [];
    args.forEach((a, i) => {
      if (FILTER_FLAGS.test(a)) out.push(a.includes('=') ? a : `${a} ${args[i + 1] ?? ''}`);
    });
    return out.join(' ');
  };
  if (
    filterValues(before) !== filterValues(after) &&
    filterValues(after).length > filterValues(before).length
  )
    return `filter changed from \`${filterValues(before)}\` to \`${filterValues(after)}\``;
  // Test paths (arguments that look like paths) dropped or made narrower.
  const paths = (args: readonly string[]) =>
    args.filter(
      (a, i) => !a.startsWith('-') && i > 0 && /[/.]/.test(a) && !FILTER_FLAGS.test(args[i - 1] ?? ''),
    );
  const pb = paths(before);
  const pa = paths(after);
  const norm = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');
  const covers = (q: string, p: string) => {
    const a = norm(q);
    const b = norm(p);
    return a === '' || a === '.' || a === b || b.startsWith(`${a}/`);
  };
  const lost = pb.filter((p) => !pa.some((q) => covers(q, p)));
  if (lost.length && pa.length <= pb.length)
    return `test path ${lost.map((p) => `\`${p}\``).join(', ')} dropped${pa.length ? ` (now ${pa.map((p) => `\`${p}\``).join(', ')})` : ''}`;
  return null;
}

/** Against an earlier playbook: suites, commands, gates, timeouts, retries, quarantine. */
export function policyWeakenings(now: TestPolicy, was: TestPolicy, against: string): Weakening[] {
  const out: Weakening[] = [];
  const suites = new Map(now.suites.map((s) => [s.id, s]));
  for (const s of was.suites) {
    const n = suites.get(s.id);
    if (!n) {
      out.push({
        kind: 'suite-removed',
        against,
        message: `suite \`${s.id}\` was removed from the playbook`,
      });
      continue;
    }
    const why = narrowing(s.command, n.command);
    if (why)
      out.push({ kind: 'command-narrowed', against, message: `suite \`${s.id}\` command narrowed: ${why}` });
    if (n.timeoutMs > s.timeoutMs)
      out.push({
        kind: 'timeout-raised',
        against,
        message: `suite \`${s.id}\` timeout raised from ${s.timeoutMs} ms to ${n.timeoutMs} ms`,
      });
    if (n.retries > s.retries)
      out.push({
        kind: 'retries-raised',
        against,
        message: `suite \`${s.id}\` retries raised from ${s.retries} to ${n.retries}`,
      });
  }
  const gates = new Map(now.gates.map((g) => [g.afterTier, g]));
  for (const g of was.gates) {
    const n = gates.get(g.afterTier);
    if (!n)
      out.push({ kind: 'gate-lowered', against, message: `gate after tier ${g.afterTier} was removed` });
    else if (n.minPassRate < g.minPassRate)
      out.push({
        kind: 'gate-lowered',
        against,
        message: `gate after tier ${g.afterTier} lowered from ${g.minPassRate} to ${n.minPassRate}`,
      });
  }
  const had = new Set(was.quarantine);
  for (const q of now.quarantine)
    if (!had.has(q))
      out.push({ kind: 'quarantine-added', against, message: `quarantine entry \`${q}\` added` });
  return out;
}

/** Against the base: tests removed from the source (rename rule), skip markers added, assertions lost. */
export function sourceWeakenings(changes: readonly SourceChange[], against: string): Weakening[] {
  const out: Weakening[] = [];
  const files = changes
    .map((c) => ({ ...c, lang: testFileLang(c.path) }))
    .filter((c): c is SourceChange & { lang: SourceLang } => c.lang !== null);
  const namesBefore = new Map<string, string[]>();
  const namesAfter = new Map<string, string[]>();
  for (const f of files) {
    namesBefore.set(f.path, f.before === null ? [] : testNames(f.before, f.lang));
    namesAfter.set(f.path, f.after === null ? [] : testNames(f.after, f.lang));
  }
  // A name removed from one file counts as moved when another changed file gained it.
  const gained = new Map<string, number>();
  const lostNames: { path: string; name: string }[] = [];
  for (const f of files) {
    const b = countBy(namesBefore.get(f.path)!);
    const a = countBy(namesAfter.get(f.path)!);
    for (const [name, n] of a) {
      const extra = n - (b.get(name) ?? 0);
      if (extra > 0) gained.set(name, (gained.get(name) ?? 0) + extra);
    }
    for (const [name, n] of b) {
      const missing = n - (a.get(name) ?? 0);
      for (let i = 0; i < missing; i++) lostNames.push({ path: f.path, name });
    }
  }
  for (const l of lostNames) {
    const g = gained.get(l.name) ?? 0;
    if (g > 0) {
      gained.set(l.name, g - 1);
      continue;
    }
    out.push({
      kind: 'test-removed-from-source',
      against,
      message: `test "${l.name}" removed from \`${l.path}\` (not found in any other changed test file)`,
    });
  }
  const helpers = [
    ...new Set(
      files
        .filter((f) => f.lang === 'go')
        .flatMap((f) => [...goHelpers(f.before ?? ''), ...goHelpers(f.after ?? '')]),
    ),
  ];
  let assertsBefore = 0;
  let assertsAfter = 0;
  const perFile: string[] = [];
  for (const f of files) {
    const sb = f.before === null ? 0 : skipMarkers(f.before, f.lang);
    const sa = f.after === null ? 0 : skipMarkers(f.after, f.lang);
    if (sa > sb)
      out.push({
        kind: 'skip-added-in-source',
        against,
        message: `\`${f.path}\`: ${sa - sb} skip/todo/only/xfail marker(s) added`,
      });
    const ab = f.before === null ? 0 : assertionCount(f.before, f.lang, helpers);
    const aa = f.after === null ? 0 : assertionCount(f.after, f.lang, helpers);
    assertsBefore += ab;
    assertsAfter += aa;
    if (aa !== ab) perFile.push(`\`${f.path}\` ${ab} → ${aa}`);
  }
  if (assertsAfter < assertsBefore)
    out.push({
      kind: 'assertions-lost',
      against,
      message: `assertion calls in the ${files.length} changed test file(s): ${assertsBefore} → ${assertsAfter} (${perFile.join(', ')})`,
    });
  return out;
}

function countBy(names: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

function label(t: ListedTest): string {
  return `\`${t.suite}\` › ${t.group ? `${t.group} › ` : ''}${t.name}`;
}

/** Every weakening found, against the previous run and the base. */
export function findWeakenings(input: WeakeningInput): Weakening[] {
  const out: Weakening[] = [];
  if (input.previous) {
    out.push(...runWeakenings(input.current, input.previous));
    if (input.previous.policy)
      out.push(
        ...policyWeakenings(
          input.current.policy,
          input.previous.policy,
          `previous run ${input.previous.runId}`,
        ),
      );
  }
  const base = input.base;
  if (base) {
    const against = `base ${base.ref}`;
    if (base.policy) out.push(...policyWeakenings(input.current.policy, base.policy, against));
    if (base.changes) out.push(...sourceWeakenings(base.changes, against));
    if (base.baselineBefore !== null && base.baselineNow !== null && base.baselineNow > base.baselineBefore)
      out.push({
        kind: 'baseline-grown',
        against,
        message: `audit baseline grew from ${base.baselineBefore} to ${base.baselineNow} entries`,
      });
  }
  // The same finding against the previous run and the base is said once (the first).
  const seen = new Set<string>();
  return out.filter((w) => {
    const key = `${w.kind}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
