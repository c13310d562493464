/**
 * Quarantine (pure): the playbook's `quarantine:` entries applied to a run's test results.
 *
 * A quarantined test still runs and is reported; its failures do not count in the gates or the
 * decision. It counts again, with a finding, when its entry has expired (`until` is past, UTC) or
 * when its history calls it `broken` (it failed every attempt in its last `flaky.broken.after` runs):
 * a quarantine hides a flaky test, never one that is simply broken. An entry whose tests passed on the
 * first attempt in the last `cleanAfter` runs is reported as no longer needed (a note, not a change:
 * the playbook is the user's to edit).
 */

import type { Finding } from '../core/record.js';
import type { QuarantineData, QuarantinedFailure, QuarantineEntryState } from '../phase-data/quarantine.js';
import type { Health } from '../phase-data/test-health.js';
import type { QuarantineEntry } from '../playbook/sections/history.js';
import { idLabel, testId } from '../results/identity.js';
import type { TestCase } from '../results/model.js';

/** What quarantine reads of a suite's result (phase 2's SuiteResult has these). */
export interface SuiteCases {
  id: string;
  state: string;
  cases: readonly TestCase[];
}

/** What the history says of one test: its health now and its runs passed on the first attempt. */
export interface TestFacts {
  health: (id: string) => Health;
  /** Consecutive runs, `c` (this run's outcome) included, in which it passed on the first attempt. */
  cleanRuns: (id: string, c: TestCase) => number;
}

/** `*` any text (across ` › ` and `/` alike), every other character itself. */
export function quarantineMatcher(pattern: string): (label: string) => boolean {
  const source = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`, 's');
  return (label) => re.test(label);
}

/** True when `until` (a date: the last day it holds, UTC; or an instant) is before `now`. */
export function isExpired(until: string, now: Date): boolean {
  if (/^\d{4}-\d{2}-\d{2}$/.test(until)) return now.toISOString().slice(0, 10) > until;
  const t = Date.parse(until.endsWith('Z') ? until : `${until}Z`);
  return Number.isFinite(t) && now.getTime() > t;
}

/** Per suite, the failures quarantine keeps out of the counts: for the gates and the suite verdict. */
export function notCountedBySuite(data: QuarantineData): Map<string, { failed: number; errored: number }> {
  const out = new Map<string, { failed: number; errored: number }>();
  for (const f of data.failures) {
    if (f.counted) continue;
    const n = out.get(f.suiteId) ?? { failed: 0, errored: 0 };
    n[f.status]++;
    out.set(f.suiteId, n);
  }
  return out;
}

/** The quarantine of `suites` on `now`. */
export function applyQuarantine(
  entries: readonly QuarantineEntry[],
  suites: readonly SuiteCases[],
  facts: TestFacts,
  now: Date,
  cleanAfter: number,
): QuarantineData {
  const states: QuarantineEntryState[] = entries.map((e) => ({
    ...e,
    expired: isExpired(e.until, now),
    matched: 0,
  }));
  const matchers = entries.map((e) => quarantineMatcher(e.test));
  const clean = states.map(() => true);
  const failures: QuarantinedFailure[] = [];
  for (const suite of suites) {
    if (suite.state === 'skipped') continue;
    for (const c of suite.cases) {
      if (c.status === 'skipped') continue;
      const id = testId(suite.id, c.suite, c.name);
      const label = idLabel(id);
      const k = matchers.findIndex((m) => m(label));
      if (k < 0) continue;
      const entry = states[k]!;
      entry.matched++;
      if (facts.cleanRuns(id, c) < cleanAfter) clean[k] = false;
      if (c.status !== 'failed' && c.status !== 'errored') continue;
      const broken = facts.health(id) === 'broken';
      failures.push({
        id,
        label,
        suiteId: suite.id,
        status: c.status,
        entry: entry.test,
        owner: entry.owner,
        reason: entry.reason,
        until: entry.until,
        counted: entry.expired || broken,
        ...(entry.expired
          ? { why: `quarantine expired after ${entry.until}` }
          : broken
            ? { why: 'broken: failed on every attempt in its last runs; a quarantine does not hide it' }
            : {}),
      });
    }
  }
  states.forEach((s, k) => {
    if (s.matched > 0 && clean[k] && !s.expired) s.passingAgain = cleanAfter;
  });
  return { entries: states, failures, notCounted: failures.filter((f) => !f.counted).length };
}

/** Findings of the quarantine: expired entries, broken tests counted again, entries no longer needed. */
export function quarantineFindings(data: QuarantineData): Finding[] {
  const out: Finding[] = [];
  for (const e of data.entries) {
    if (e.expired)
      out.push({
        kind: 'quarantine-expired',
        severity: 'warning',
        subject: e.test,
        message: `quarantine of \`${e.test}\` (owner ${e.owner}: ${e.reason}) expired after ${e.until}: its tests count again${e.matched ? '' : ' (it matched no test in this run)'}`,
      });
    else if (e.passingAgain)
      out.push({
        kind: 'quarantine-passing',
        severity: 'info',
        subject: e.test,
        message: `the ${e.matched} test(s) quarantined by \`${e.test}\` (owner ${e.owner}) passed on the first attempt in the last ${e.passingAgain} run(s): the entry can be removed`,
      });
  }
  for (const f of data.failures)
    if (f.counted && !f.why?.startsWith('quarantine expired'))
      out.push({
        kind: 'quarantine-broken',
        severity: 'warning',
        subject: f.label,
        message: `\`${f.label}\` is quarantined by \`${f.entry}\` (owner ${f.owner}) but ${f.why}: its failure counts`,
      });
  return out;
}
