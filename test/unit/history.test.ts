import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { classify, cleanStreak, DEFAULT_FLAKY } from '../../src/history/classify.js';
import { compactRecord, expandRecord, parseStoredRecord } from '../../src/history/compact.js';
import { historyId, testOutcomes } from '../../src/history/model.js';
import {
  appendRun,
  linesFromEnd,
  readRunEntries,
  readTestHistory,
  storeDir,
  tailLines,
} from '../../src/history/store.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { StoredSuite } from '../../src/phase-data/run-tests.js';
import type { TestCase } from '../../src/results/model.js';
import { attempt, runTestsData, suiteResult } from '../builders/results.js';
import { phaseEntry, runRecord } from '../builders/run.js';

function record(k: number, cases: TestCase[], attempts = 1): RunRecord {
  const startedAt = new Date(Date.UTC(2026, 10, 1) + k * 60_000).toISOString();
  const suite = suiteResult('unit', cases, {
    categories: ['unit'],
    command: ['node', '--test'],
    attempts: Array.from({ length: attempts }, (_, i) => attempt(i + 1, { startedAt })),
  });
  return runRecord({
    schemaVersion: 1,
    runId: `tdl-20261101-${String(k).padStart(6, '0')}-abcdef`,
    tool: { name: 'tdl', version: '0.1.0' },
    playbook: { name: 'shop', file: '/r/tdl.yaml' },
    repo: { dir: '/r', commit: `c${k}`, branch: 'main', dirty: false },
    options: { ...runRecord().options, maxIterations: 3 },
    runDir: '/r/.tdl/runs/x',
    state: 'completed',
    startedAt,
    phases: [
      phaseEntry('run-tests', { verdict: undefined, data: runTestsData([suite], { passRate: null }) }),
    ],
  });
}

const pass = (name: string, extra: Partial<TestCase> = {}): TestCase => ({
  suite: 'test/a.test.js',
  name,
  file: 'test/a.test.js',
  status: 'passed',
  durationMs: 3,
  ...extra,
});
const fail = (name: string, extra: Partial<TestCase> = {}): TestCase => ({
  ...pass(name),
  status: 'failed',
  message: 'boom',
  stack: 'Error: boom\n    at x (test/a.test.js:1:1)',
  ...extra,
});

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tdl-history-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('compact records', () => {
  it('keeps plain passes as short rows and gives every case back on read', () => {
    const cases = [
      pass('adds'),
      fail('subtracts'),
      pass('retries', { flaky: true }),
      pass('concatenates strings'),
    ];
    const r = record(1, cases);
    const compact = compactRecord(r);
    // What is written is the stored form: a suite's plain passes as rows.
    const suite: StoredSuite = phaseData(compact, 'run-tests')!.suites[0]!;
    expect(suite.cases.map((c) => c.name)).toEqual(['subtracts', 'retries']);
    expect(suite.passed?.tests).toEqual([
      [0, 'adds', 3, -1],
      [0, 'concatenates strings', 3, -1],
    ]);
    const back = expandRecord(JSON.parse(JSON.stringify(compact)) as RunRecord);
    const sort = (cs: TestCase[]) => [...cs].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(phaseData(back, 'run-tests')!.suites[0]!.cases)).toEqual(sort(cases));
  });

  it('stays within 80 bytes per passing test for ordinary names', () => {
    const names = Array.from({ length: 500 }, (_, i) => `creates order ${i} with line items and returns 201`);
    const full = compactRecord(
      record(
        1,
        names.map((n) => pass(n)),
      ),
    );
    const none = compactRecord(record(1, []));
    const perTest = (JSON.stringify(full).length - JSON.stringify(none).length) / names.length;
    expect(perTest).toBeLessThanOrEqual(80);
  });

  it('migrates a schema 1 record on read: accepted, full cases, version 2', () => {
    const old = JSON.parse(JSON.stringify(record(1, [pass('adds'), fail('subtracts')])));
    expect(old.schemaVersion).toBe(1);
    const parsed = parseStoredRecord(old);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.record.schemaVersion).toBe(2);
    expect(phaseData(parsed.record, 'run-tests')!.suites[0]!.cases.map((c) => c.name)).toEqual([
      'adds',
      'subtracts',
    ]);
  });
});

describe('the history store', () => {
  it('appends once per run and reads the last runs back, newest first, per test', () => {
    const dir = tmp();
    appendRun(dir, record(1, [pass('a'), pass('b')]));
    appendRun(dir, record(2, [pass('a', { flaky: true }), fail('b')], 2));
    appendRun(dir, record(3, [fail('a'), pass('c')]));
    const h = readTestHistory(dir, 'shop', 50);
    expect(h.runs.map((r) => r.run)).toEqual(
      [3, 2, 1].map((k) => `tdl-20261101-${String(k).padStart(6, '0')}-abcdef`),
    );
    const a = historyId('unit', pass('a'));
    expect(h.codes.get(a)).toBe('frp');
    expect(h.codes.get(historyId('unit', pass('c')))).toBe('p..');
    const outcomes = testOutcomes(h, historyId('unit', pass('b')));
    expect(outcomes.map((o) => [o.code, o.attempts, o.commit])).toEqual([
      ['f', 2, 'c2'],
      ['p', 1, 'c1'],
    ]);
    expect(outcomes[0]!.cluster).toMatch(/^[0-9a-f]{12}$/);
    // The dictionary grows only with new tests: a, b, then c.
    expect(
      readFileSync(join(storeDir(dir, 'shop'), 'tests.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
  });

  it('reads only the window asked for, a resumed run counts once, and a torn line is skipped', () => {
    const dir = tmp();
    for (let k = 1; k <= 30; k++) appendRun(dir, record(k, [pass('a')]));
    appendRun(dir, record(30, [fail('a')])); // resumed: written again
    writeFileSync(join(storeDir(dir, 'shop'), 'outcomes.jsonl'), '{"torn', { flag: 'a' });
    const h = readTestHistory(dir, 'shop', 5);
    expect(h.runs).toHaveLength(5);
    expect(h.codes.get(historyId('unit', pass('a')))).toBe('fpppp');
    expect(readRunEntries(dir, 1000)).toHaveLength(30);
  });

  it('leaves dry runs out of the test history (they are listed in the INDEX as dry runs)', () => {
    const dir = tmp();
    appendRun(dir, record(1, [pass('a')]));
    const dry = record(2, [fail('a')]);
    dry.options.dryRun = true;
    appendRun(dir, dry);
    expect(readTestHistory(dir, 'shop', 10).runs).toHaveLength(1);
    expect(readRunEntries(dir, 10).map((e) => e.row.decision)).toEqual([
      'dry run (not history)',
      'no decision',
    ]);
  });

  it('migrates a worklog folder of JSON twins written before the store, once', () => {
    const dir = tmp();
    for (const k of [1, 2]) {
      const r = record(k, [k === 1 ? pass('a') : fail('a')]);
      writeFileSync(
        join(dir, `E2E-DEPLOY-REMEDIATE-WORKLOG-all-2026-11-01-00000${k}.json`),
        JSON.stringify(r),
      );
    }
    const h = readTestHistory(dir, 'shop', 10);
    expect(h.codes.get(historyId('unit', pass('a')))).toBe('fp');
    // Read again: nothing added twice.
    expect(readTestHistory(dir, 'shop', 10).runs).toHaveLength(2);
  });

  it('reads a long file backwards without reading it whole', () => {
    const dir = tmp();
    const file = join(dir, 'x.jsonl');
    writeFileSync(file, Array.from({ length: 100_000 }, (_, i) => `{"run":"${i}"}`).join('\n') + '\n');
    expect(tailLines(file, 3)).toEqual(['{"run":"99997"}', '{"run":"99998"}', '{"run":"99999"}']);
  });

  it('gives every line from the end whatever the chunk boundaries cut (multi-byte text, torn last line)', () => {
    const dir = tmp();
    const file = join(dir, 'y.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) => `{"run":"${i}","n":"${'é›'.repeat(i % 7)}"}`);
    // Empty lines are skipped; a last line without its newline (torn) is still a line.
    writeFileSync(file, `${lines.slice(0, 20).join('\n')}\n\n${lines.slice(20).join('\n')}`);
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20])
      expect([...linesFromEnd(file, chunk)], `chunk ${chunk}`).toEqual([...lines].reverse());
    // Stopping early closes the file (no descriptor left open per early stop).
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    let first: string[] = [];
    for (let k = 0; k < 50; k++) {
      first = [];
      for (const l of linesFromEnd(file, 5)) {
        first.push(l);
        if (first.length === 2) break;
      }
    }
    expect(open()).toBeLessThan(before + 5);
    expect(first).toEqual([lines[39], lines[38]]);
    expect([...linesFromEnd(join(dir, 'missing.jsonl'))]).toEqual([]);
  });
});

describe('flaky truth: classification thresholds', () => {
  const runs = Array.from({ length: 30 }, (_, i) => `r${i}`);
  const cfg = DEFAULT_FLAKY; // window 20, retryPasses 2, flips 3, broken after 3
  it.each([
    ['pppppp', 'healthy'],
    ['rpppp', 'healthy'], // one pass on retry: below 2
    ['rprpp', 'flaky'], // two passes on retry
    ['pgpp', 'healthy'],
    ['gprp', 'flaky'], // a failed-after-passing attempt counts like a pass on retry
    ['fpfp', 'flaky'], // three flips
    ['fpfpp', 'flaky'],
    ['fppp', 'healthy'], // one flip: a regression, not flakiness
    ['fpf', 'healthy'], // two flips: below 3
    ['fff', 'broken'],
    ['fefpfp', 'broken'], // broken wins over earlier flips
    ['ff', 'healthy'], // two failures: not yet broken
    ['f.s.f.f', 'broken'], // runs it did not run in do not count
    ['ffg', 'healthy'], // failed after passing in an attempt: not "every attempt"
  ])('%s is %s', (codes, health) => {
    expect(classify(codes, runs, cfg).health).toBe(health);
  });

  it('names the runs that prove it', () => {
    expect(classify('rprpp', runs, cfg)).toMatchObject({ health: 'flaky', runs: ['r0', 'r2'] });
    expect(classify('fff', runs, cfg)).toMatchObject({ health: 'broken', runs: ['r0', 'r1', 'r2'] });
  });

  it('looks at the window only, and thresholds come from the config', () => {
    const old = `${'p'.repeat(20)}rr`;
    expect(classify(old, runs, cfg).health).toBe('healthy');
    expect(classify(old, runs, { ...cfg, window: 22 }).health).toBe('flaky');
    expect(classify('ff', runs, { ...cfg, broken: { after: 2 } }).health).toBe('broken');
    expect(classify('rp', runs, { ...cfg, retryPasses: 1 }).health).toBe('flaky');
  });

  it('counts clean runs for the issue hysteresis: first-attempt passes in a row, not-run ignored', () => {
    expect(cleanStreak('pp.pf')).toBe(3);
    expect(cleanStreak('rp')).toBe(0);
    expect(cleanStreak('p')).toBe(1);
  });
});
