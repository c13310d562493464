// The history step of a run (issue 14), side by side with the full re-read it replaced, from dist/:
//  - a worklog folder with 1,000 earlier runs of a 2,000-test playbook (every test passing but one
//    in ten failing, realistic names and durations);
//  - "full re-read" (what a run did before the history store): the newest 50 JSON twins of the
//    playbook for phase 1/5 and the worklog, then every twin in the folder (up to 1,000) for INDEX.md,
//    on records that keep every test as a full case (schema 1, as written before);
//  - "history step" (now): src/history/step.ts, loadHistory (the newest 3 twins, the store's entries,
//    the last 50 runs' per-test outcomes) and recordRun (this run appended, INDEX.md written).
// Each measurement runs in its own process (time and RSS growth of the step alone); medians of
// ROUNDS. Also: bytes per passing test in a compact record. `node scripts/bench.mjs history`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 1000);
const TESTS = Number(process.env.BENCH_HISTORY_TESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PLAYBOOK = 'bench-shop';

function makeRecord(k, countCases) {
  const cases = Array.from({ length: TESTS }, (_, i) => {
    const file = `test/api/area-${i % 40}/orders-${i % 200}.test.ts`;
    const failing = i % 10 === 3;
    return {
      suite: file,
      name: `creates order ${i} with line items and returns 201`,
      file,
      status: failing ? 'failed' : 'passed',
      durationMs: (i * 7 + k) % 90,
      ...(failing
        ? {
            message: `expected 201, got 500 for order ${i}`,
            stack: `AssertionError: expected 201\n    at Context.<anonymous> (${file}:${10 + (i % 50)}:7)`,
          }
        : {}),
    };
  });
  const counts = countCases(cases);
  const startedAt = new Date(Date.UTC(2026, 0, 1) + k * 3_600_000).toISOString();
  const stamp = `${startedAt.slice(0, 10)}-${startedAt.slice(11, 13)}${startedAt.slice(14, 16)}${startedAt.slice(17, 19)}`;
  const runId = `tdl-${stamp.replace(/-/g, '').slice(0, 8)}-${stamp.slice(11)}-${String(k).padStart(6, '0')}`;
  return {
    schemaVersion: 1,
    runId,
    tool: { name: 'tdl', version: '0.1.0' },
    playbook: { name: PLAYBOOK, file: '/srv/shop/tdl.yaml' },
    repo: { dir: '/srv/shop', commit: 'c'.repeat(40), branch: 'main', dirty: false },
    options: {
      focus: 'all',
      deploy: false,
      dryRun: false,
      publish: 'none',
      only: null,
      untilGreen: false,
      maxIterations: 3,
    },
    runDir: `/srv/shop/.tdl/runs/${runId}`,
    redactEnv: [],
    state: 'completed',
    startedAt,
    endedAt: startedAt,
    durationMs: 1000,
    phases: [
      {
        id: 'run-tests',
        index: 2,
        title: 'Test execution',
        state: 'completed',
        verdict: 'fail',
        findings: [],
        data: {
          tiers: [
            {
              tier: 1,
              state: 'completed',
              suites: ['api'],
              counts,
              passRate: counts.passed / TESTS,
              gate: null,
            },
          ],
          suites: [
            {
              id: 'api',
              tier: 1,
              categories: ['api'],
              command: ['npx', 'vitest', 'run'],
              state: 'completed',
              verdict: 'fail',
              attempts: [
                {
                  attempt: 1,
                  startedAt,
                  durationMs: 900,
                  exitCode: 1,
                  signal: null,
                  timedOut: false,
                  counts,
                },
              ],
              durationMs: 900,
              counts,
              cases,
              report: { path: '/srv/shop/.tdl/reports/api.json', format: 'vitest-json' },
              logFile: null,
              outputTail: '',
              outputBytes: 0,
              findings: [],
            },
          ],
          counts,
          passRate: counts.passed / TESTS,
          noGo: null,
        },
      },
    ],
    decision: { decision: 'defer', reasons: ['gates-passed fail: phase 2: suite `api` is fail'] },
    exitCode: 1,
    worklog: {
      markdown: `/srv/shop/worklogs/E2E-DEPLOY-REMEDIATE-WORKLOG-all-${stamp}.md`,
      json: `/srv/shop/worklogs/E2E-DEPLOY-REMEDIATE-WORKLOG-all-${stamp}.json`,
    },
  };
}

async function child(mode, dir) {
  const { readHistory } = await load('worklog/history.js');
  const step = await load('history/step.js');
  const { Redactor } = await load('telemetry/redact.js');
  const { countCases } = await load('results/model.js');
  const current = makeRecord(RUNS + 1, countCases);
  current.schemaVersion = 2;
  // As in a real run, the record reaching the history step carries phase 3's clusters (computed by the
  // run before this step, not by it): the store keys each failing test's cluster from them.
  const { clusterFailures } = await load('clustering/cluster.js');
  const { SIGNATURE_VERSION } = await load('clustering/signature.js');
  const suites = current.phases[0].data.suites;
  current.phases.push({
    id: 'root-cause',
    index: 3,
    title: 'Root cause',
    state: 'completed',
    findings: [],
    data: { clusters: clusterFailures(suites, current.repo.dir), signatureVersion: SIGNATURE_VERSION },
  });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = process.hrtime.bigint();
  if (mode === 'old') {
    const own = readHistory(dir, PLAYBOOK, current.runId, 50);
    const all = readHistory(dir, null, undefined, 1000, true);
    if (own.length === 0 || all.length === 0) throw new Error('nothing read');
  } else {
    const playbook = {
      worklogDir: dir,
      name: PLAYBOOK,
      decision: {},
      flaky: { window: 20, retryPasses: 2, flips: 3, broken: { after: 3 } },
    };
    const loaded = step.loadHistory(playbook, current.runId);
    if (loaded.history.length === 0 || loaded.testHistory.runs.length === 0) throw new Error('nothing read');
    step.recordRun(dir, current, Redactor.fromEnv([], {}));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  process.stdout.write(JSON.stringify({ ms, rssMb: (peak - rss0) / 1048576 }));
}

async function main() {
  const { countCases } = await load('results/model.js');
  const { compactRecord } = await load('history/compact.js');
  const store = await load('history/store.js');
  const base = mkdtempSync(join(tmpdir(), 'tdl-bench-history-'));
  const oldDir = join(base, 'old');
  const newDir = join(base, 'new');
  mkdirSync(oldDir);
  mkdirSync(newDir);
  try {
    const t0 = Date.now();
    let fullBytes = 0;
    let compactBytes = 0;
    let idsForStore;
    for (let k = 0; k < RUNS; k++) {
      const record = makeRecord(k, countCases);
      const name = record.worklog.json.split('/').pop();
      const full = JSON.stringify(record);
      writeFileSync(join(oldDir, name), full);
      const compact = { ...compactRecord(record), schemaVersion: 2 };
      const text = JSON.stringify(compact);
      writeFileSync(join(newDir, name), text);
      fullBytes += full.length;
      compactBytes += text.length;
      record.worklog.json = join(newDir, name);
      record.worklog.markdown = join(newDir, name.replace(/json$/, 'md'));
      idsForStore ??= [];
      store.appendRun(newDir, record, idsForStore);
    }
    // The new folder was written by this version: nothing to migrate.
    writeFileSync(join(newDir, 'history', '.migrated'), 'bench\n');
    const storeBytes = ['tests.jsonl', 'outcomes.jsonl', 'runs.jsonl']
      .map((f) => statSync(join(store.storeDir(newDir, PLAYBOOK), f)).size)
      .reduce((a, b) => a + b, 0);
    console.log(
      `setup: ${RUNS} earlier runs x ${TESTS} tests in ${((Date.now() - t0) / 1000).toFixed(1)} s; twins ${(fullBytes / RUNS / 1024).toFixed(0)} KB each before, ${(compactBytes / RUNS / 1024).toFixed(0)} KB compact; store ${(storeBytes / 1048576).toFixed(1)} MB`,
    );
    // Bytes per passing test in a compact record: the record minus the same record with its
    // passing rows removed, over the number of passing tests.
    const one = compactRecord(makeRecord(0, countCases));
    const suite = one.phases[0].data.suites[0];
    const without = JSON.stringify({
      ...one,
      phases: [
        {
          ...one.phases[0],
          data: {
            ...one.phases[0].data,
            suites: [{ ...suite, passed: { groups: [], files: [], tests: [] } }],
          },
        },
      ],
    });
    const perPass = (JSON.stringify(one).length - without.length) / suite.passed.tests.length;
    console.log(
      `compact record: ${perPass.toFixed(1)} bytes per passing test (goal <= 80; names here are ${'creates order 1234 with line items and returns 201'.length} characters)`,
    );
    const run = (mode) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--expose-gc', fileURLToPath(import.meta.url), 'child', mode, mode === 'old' ? oldDir : newDir],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 20,
          },
        ),
      );
    const old = [];
    const now = [];
    for (let r = 0; r < ROUNDS; r++) {
      old.push(run('old'));
      now.push(run('new'));
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const o = { ms: median(old.map((x) => x.ms)), rss: median(old.map((x) => x.rssMb)) };
    const n = { ms: median(now.map((x) => x.ms)), rss: median(now.map((x) => x.rssMb)) };
    console.log(
      `history step, ${RUNS} earlier runs x ${TESTS} tests (median of ${ROUNDS}): ${n.ms.toFixed(0)} ms, +${n.rss.toFixed(0)} MB RSS now vs ${o.ms.toFixed(0)} ms, +${o.rss.toFixed(0)} MB for the full re-read: ${(o.ms / n.ms).toFixed(1)}x faster, ${(o.rss / Math.max(n.rss, 1)).toFixed(1)}x less memory (targets <= 100 ms, <= 50 MB)`,
    );
  } finally {
    if (process.env.BENCH_KEEP) console.log(`kept ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') await child(process.argv[3], process.argv[4]);
else await main();
