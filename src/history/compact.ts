/**
 * The run record on disk keeps passing tests compactly: a suite's plain passes (first attempt, no
 * message) move from `cases` to `passed`, one `[group index, name, duration, file index]` row each,
 * with groups and files listed once per suite. A 2,000-test record shrinks about six times; a
 * passing test costs its name plus about 12 bytes. Everything else (failures, skips, flaky passes)
 * stays a full case. Pure; `expandRecord` is the inverse and is a no-op on records of schema 1,
 * which never had `passed`.
 */

import { type PhaseResult, RUN_RECORD_SCHEMA_VERSION, type RunRecord } from '../core/record.js';
import { isPhase } from '../phase-data/index.js';
import { checkStoredRecord } from '../phase-data/record.js';
import type { PassedRow, StoredSuite, SuiteResult } from '../phase-data/run-tests.js';
import type { TestCase } from '../results/model.js';

/** A case that carries nothing but its identity, status and duration. */
function isPlainPass(c: TestCase): boolean {
  return c.status === 'passed' && !c.flaky && c.message === undefined && c.stack === undefined;
}

/** A suite as stored: its plain passing tests as rows (a suite already compact is returned as it is). */
export function compactSuite(suite: StoredSuite): StoredSuite {
  if (suite.passed || !suite.cases.some(isPlainPass)) return suite;
  const groups = new Map<string, number>();
  const files = new Map<string, number>();
  const at = <K>(map: Map<K, number>, key: K) => {
    const known = map.get(key);
    if (known !== undefined) return known;
    map.set(key, map.size);
    return map.size - 1;
  };
  const tests: PassedRow[] = [];
  const rest: TestCase[] = [];
  for (const c of suite.cases) {
    if (!isPlainPass(c)) {
      rest.push(c);
      continue;
    }
    const row: PassedRow = [at(groups, c.suite), c.name, c.durationMs];
    // -1: the file is the group (vitest and jest group by file); absent: no file.
    if (c.file !== undefined) row.push(c.file === c.suite ? -1 : at(files, c.file));
    tests.push(row);
  }
  return { ...suite, cases: rest, passed: { groups: [...groups.keys()], files: [...files.keys()], tests } };
}

export function expandSuite(suite: StoredSuite): SuiteResult {
  const p = suite.passed;
  if (!p) return suite;
  // Two literal shapes rather than a spread of a conditional object: thousands of rows per record, and
  // the spread allocated a throw-away object for each (a third of the history step's expansion time).
  const passed: TestCase[] = p.tests.map(([g, name, durationMs, f]) => {
    const group = p.groups[g] ?? '';
    const file = f === -1 ? group : f !== undefined ? p.files[f] : undefined;
    return file !== undefined
      ? { suite: group, name, file, status: 'passed', durationMs }
      : { suite: group, name, status: 'passed', durationMs };
  });
  const { passed: _drop, ...rest } = suite;
  // Passing tests first, then the others in report order: the order of cases carries no meaning.
  return { ...rest, cases: [...passed, ...suite.cases] };
}

function mapRunTests(phases: PhaseResult[], fn: (s: SuiteResult) => SuiteResult): PhaseResult[] {
  return phases.map((p) => {
    if (!isPhase(p, 'run-tests') || !p.data?.suites) return p;
    return { ...p, data: { ...p.data, suites: p.data.suites.map(fn) } };
  });
}

/** The record as written to disk: passing tests compact. Does not change `record`. */
export function compactRecord(record: RunRecord): RunRecord {
  return {
    ...record,
    phases: mapRunTests(record.phases, compactSuite),
    ...(record.iterations
      ? {
          iterations: record.iterations.map((it) => ({
            ...it,
            phases: mapRunTests(it.phases, compactSuite),
          })),
        }
      : {}),
  };
}

/**
 * Checks a stored record (resume, publish, MCP, history) and migrates it to this version (compact
 * passing tests expanded, schema 1 taken as it is). The check (checkStoredRecord,
 * src/phase-data/record.ts) covers each phase's data too, so a stored record is never used unchecked;
 * the problem names the first key that is wrong (`phases.2.data.counts.flaky: …`).
 */
export function parseStoredRecord(value: unknown): ReturnType<typeof checkStoredRecord> {
  const parsed = checkStoredRecord(value);
  if (!parsed.ok) return parsed;
  const record = expandRecord(parsed.record);
  record.schemaVersion = RUN_RECORD_SCHEMA_VERSION;
  return { ok: true, record };
}

/** The record as the phases read it: every test a full case again. Mutates and returns `record`. */
export function expandRecord(record: RunRecord): RunRecord {
  record.phases = mapRunTests(record.phases ?? [], expandSuite);
  if (record.iterations)
    for (const it of record.iterations) it.phases = mapRunTests(it.phases ?? [], expandSuite);
  return record;
}
