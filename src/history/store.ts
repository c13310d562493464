/**
 * The history store, per playbook, next to the worklogs it summarizes (committed with them):
 *
 *   <worklogs>/history/<playbook>/tests.jsonl     one test id per line; a test's index is its line
 *   <worklogs>/history/<playbook>/outcomes.jsonl  one line per run that ran tests (see model.ts)
 *   <worklogs>/history/<playbook>/runs.jsonl      one line per run: identity and INDEX figures
 *
 * Every file is only appended to, once per run. A run reads the dictionary and the last `window`
 * outcome lines, reading the file backwards from its end, so its cost does not grow with the number
 * of runs. A line torn by a crash is skipped; a run written twice (a resumed run) counts once, by
 * its last line. Worklog folders written before the store existed are migrated on first read: their
 * JSON twins are added oldest first, once (`history/.migrated`).
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { figures } from '../worklog/figures.js';
import { byNewest, readHistory } from '../worklog/history.js';
import {
  buildHistory,
  emptyHistory,
  encodeRun,
  type IndexRow,
  type OutcomeLine,
  outcomeLine,
  type RunEntry,
  type TestHistory,
} from './model.js';

const MIGRATED = '.migrated';

/** The store folder of a playbook: its name with anything but `A-Za-z0-9._-` as `_`. */
export function storeDir(worklogDir: string, playbook: string): string {
  return join(worklogDir, 'history', playbook.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** The INDEX figures of a finished run (computed once, from the record, by figures()). */
export function indexRow(record: RunRecord): IndexRow {
  const f = figures(record);
  return {
    worklog: record.worklog?.markdown.split('/').pop() ?? null,
    focus: record.options.focus,
    passRate: f.passRate,
    passRateText: f.passRateText,
    passed: f.counts.passed,
    failed: f.counts.failed,
    errored: f.counts.errored,
    gates: f.gateMark,
    violations: f.violations,
    decision: record.options.dryRun ? 'dry run (not history)' : f.decision,
    tiers: f.tiers.map((t) => ({ tier: t.tier, passRate: t.passRate, state: t.state })),
    iterations: f.iterations,
    decisionReason: f.decisionReason,
    state: record.state,
  };
}

/**
 * The lines of a file from its end, newest first (empty lines skipped), read backwards in chunks and
 * decoded one line at a time: a reader that stops early decodes only what it took (the outcome
 * lines of a large playbook are 10 KB each). Stopping the iteration closes the file.
 */
export function* linesFromEnd(file: string, chunkSize = 128 * 1024): Generator<string> {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r');
  try {
    let pos = fstatSync(fd).size;
    // The bytes between the start of the last chunk read and the first newline in it: the end of a
    // line whose start is in an earlier chunk (a whole line once the start of the file is reached).
    let carry = Buffer.alloc(0);
    while (pos > 0) {
      const len = Math.min(chunkSize, pos);
      pos -= len;
      const chunk = Buffer.allocUnsafe(len);
      readSync(fd, chunk, 0, len, pos);
      const buf = carry.length ? Buffer.concat([chunk, carry]) : chunk;
      let end = buf.length;
      while (end > 0) {
        const nl = buf.lastIndexOf(10, end - 1);
        if (nl === -1) break;
        if (end > nl + 1) yield buf.toString('utf8', nl + 1, end);
        end = nl;
      }
      carry = Buffer.from(buf.subarray(0, end));
    }
    if (carry.length) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The last `max` lines of a file, oldest first (torn lines are the reader's to drop). */
export function tailLines(file: string, max: number): string[] {
  const out: string[] = [];
  if (max <= 0) return out;
  for (const line of linesFromEnd(file)) {
    out.push(line);
    if (out.length >= max) break;
  }
  return out.reverse();
}

function parseLines<T extends { run: string }>(lines: readonly string[]): T[] {
  const out: T[] = [];
  for (const l of lines) {
    try {
      out.push(JSON.parse(l) as T);
    } catch {
      // A line torn by a crash is not history.
    }
  }
  // A run written twice (resumed) counts once: its last line.
  const last = new Map(out.map((x, i) => [x.run, i]));
  return out.filter((x, i) => last.get(x.run) === i);
}

function readIds(dir: string): string[] {
  const file = join(dir, 'tests.jsonl');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  try {
    // One parse for the whole dictionary (a line is a JSON string).
    return JSON.parse(`[${lines.join(',')}]`) as string[];
  } catch {
    return lines.map((l) => {
      try {
        return JSON.parse(l) as string;
      } catch {
        return ''; // keeps the indexes of later lines
      }
    });
  }
}

/** The run id of a line written by this module (`{"v":1,"run":"…"`), without parsing the line. */
function runOf(line: string): string | null {
  return /^\{"v":\d+,"run":"([^"]+)"/.exec(line)?.[1] ?? null;
}

/** Adds one finished run to its playbook's store (nothing for a run already there as its last line). */
export function appendRun(worklogDir: string, record: RunRecord, ids?: string[]): void {
  const dir = storeDir(worklogDir, record.playbook.name);
  mkdirSync(dir, { recursive: true });
  const { entry, outcomes } = encodeRun(record, indexRow(record));
  if (outcomes) {
    const known = ids ?? readIds(dir);
    const index = new Map(known.map((id, i) => [id, i]));
    const added: string[] = [];
    for (const id of outcomes.tests.keys()) {
      if (index.has(id)) continue;
      index.set(id, known.length + added.length);
      added.push(id);
    }
    if (added.length) {
      appendFileSync(join(dir, 'tests.jsonl'), `${added.map((id) => JSON.stringify(id)).join('\n')}\n`);
      known.push(...added);
    }
    const line = outcomeLine(outcomes.line, outcomes.tests, (id) => index.get(id)!);
    appendFileSync(join(dir, 'outcomes.jsonl'), `${JSON.stringify(line)}\n`);
  }
  appendFileSync(join(dir, 'runs.jsonl'), `${JSON.stringify(entry)}\n`);
}

/**
 * A folder of worklogs written before the store: its JSON twins go into the stores, oldest first,
 * once. Runs already in a store are not added again.
 */
export function migrate(worklogDir: string): number {
  const marker = join(worklogDir, 'history', MIGRATED);
  if (existsSync(marker) || !existsSync(worklogDir)) return 0;
  const entries = readHistory(worklogDir, null, undefined, Number.POSITIVE_INFINITY, true).reverse();
  const seen = new Map<string, Set<string>>();
  const idsOf = new Map<string, string[]>();
  let added = 0;
  for (const { record } of entries) {
    const dir = storeDir(worklogDir, record.playbook.name);
    let runs = seen.get(dir);
    if (!runs) {
      runs = new Set(parseLines<RunEntry>(tailLines(join(dir, 'runs.jsonl'), 1e9)).map((r) => r.run));
      seen.set(dir, runs);
      idsOf.set(dir, readIds(dir));
    }
    if (runs.has(record.runId)) continue;
    appendRun(worklogDir, record, idsOf.get(dir));
    runs.add(record.runId);
    added++;
  }
  mkdirSync(join(worklogDir, 'history'), { recursive: true });
  writeFileSync(marker, `migrated ${added} run(s) from the JSON twins\n`);
  return added;
}

/**
 * The last `window` runs of a playbook that ran tests, with every test's outcome in each. Dry runs
 * and runs without test results are not part of it.
 */
export function readTestHistory(
  worklogDir: string,
  playbook: string,
  window: number,
  excludeRun?: string,
): TestHistory {
  migrate(worklogDir);
  const dir = storeDir(worklogDir, playbook);
  if (!existsSync(join(dir, 'outcomes.jsonl'))) return emptyHistory();
  // Read more lines than the window: dry runs, runs without tests, resumed runs written twice and a
  // torn last line take lines without being runs of the window.
  const entries = parseLines<RunEntry>(tailLines(join(dir, 'runs.jsonl'), window * 4 + 16)).filter(
    (e) => e.tests && !e.dryRun && e.run !== excludeRun,
  );
  const byRun = new Map(entries.map((e) => [e.run, e]));
  // Newest first; only the lines of the window are decoded and parsed (a resumed run's last line wins).
  const lines: OutcomeLine[] = [];
  const taken = new Set<string>();
  let seen = 0;
  for (const raw of linesFromEnd(join(dir, 'outcomes.jsonl'))) {
    if (lines.length >= window || seen++ >= window * 2 + 8) break;
    const run = runOf(raw);
    if (!run || taken.has(run) || !byRun.has(run)) continue;
    try {
      lines.push(JSON.parse(raw) as OutcomeLine);
      taken.add(run);
    } catch {
      // A line torn by a crash is not history.
    }
  }
  return buildHistory(
    readIds(dir),
    lines.map((l) => byRun.get(l.run)!),
    lines,
  );
}

/** Run entries of every playbook in the folder, newest first, at most `max` (for the INDEX). */
export function readRunEntries(worklogDir: string, max: number, playbook?: string): RunEntry[] {
  migrate(worklogDir);
  const root = join(worklogDir, 'history');
  if (!existsSync(root)) return [];
  const names = playbook
    ? [storeDir(worklogDir, playbook)]
    : readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => join(root, d.name));
  const all = names.flatMap((d) => parseLines<RunEntry>(tailLines(join(d, 'runs.jsonl'), max)));
  return all.sort((a, b) => byNewest(a.at, b.at)).slice(0, max);
}
