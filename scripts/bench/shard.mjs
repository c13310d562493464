// Sharded runs (issue 20), from dist/. `node scripts/bench.mjs shard`.
//
// Balance: 1,000 tests with recorded log-normal durations (seeded; median 1 s, sigma 1.0 and 1.5),
// planned over 8 shards by src/shard/plan.ts (longest processing time first), side by side with the
// split a runner's own sharding does (files dealt in name order, i mod 8: vitest/jest --shard split
// by file, not by time). Figure: slowest shard / ideal, where ideal = max(total / 8, longest test).
// Goal: LPT ≤ 1.10x. Two shapes: one test per file, and 200 files of 5 tests.
//
// Merge: 64 partial records of 10,000 tests each (1% failing, realistic names), merged as
// `tdl merge --tier` does (readPartials without cases + mergeTier), in its own process: wall time
// and peak RSS. Baseline in the same run: a process that only reads and JSON.parses the same files
// (the floor for any merge of them). Goal: ≤ 2 s and ≤ 300 MB RSS. The `--finish` read (every test
// kept, as phases 3-6 need them) is shown too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const SHARDS = 8;
const TESTS = 1000;
const PARTIALS = Number(process.env.BENCH_SHARD_PARTIALS ?? 64);
const PER_PARTIAL = Number(process.env.BENCH_SHARD_TESTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// ---- child modes: one merge measured in its own process -------------------------------------
if (process.argv[2] === '--child') {
  const [, , , mode, dir, planJson] = process.argv;
  const started = performance.now();
  const files = Array.from({ length: PARTIALS }, (_, i) => join(dir, `p${i + 1}.json`));
  let summary;
  if (mode === 'parse') {
    const { readFileSync } = await import('node:fs');
    let n = 0;
    for (const f of files) n += JSON.parse(readFileSync(f, 'utf8')).chunks.length;
    summary = { chunks: n };
  } else {
    const { readPartials } = await import(dist('shard/collect.js'));
    const { mergeTier } = await import(dist('shard/merge.js'));
    const { readFileSync } = await import('node:fs');
    const plan = JSON.parse(readFileSync(planJson, 'utf8'));
    const m = mergeTier(plan, plan.tiers[0], readPartials(files, mode === 'finish'), {
      afterTier: 1,
      minPassRate: 0.9,
    });
    summary = {
      complete: m.complete,
      go: m.go,
      passed: m.result.counts.passed,
      failed: m.result.counts.failed,
    };
  }
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, summary }));
  process.exit(0);
}

const { planTier, balanceOf } = await import(dist('shard/plan.js'));
const { compactSuite } = await import(dist('history/compact.js'));
const { countCases } = await import(dist('results/model.js'));

// Seeded PRNG (mulberry32) and a log-normal draw (Box-Muller).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function logNormal(rand, medianMs, sigma) {
  const u = Math.max(rand(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  return Math.round(medianMs * Math.exp(sigma * z));
}

console.log(`balance: ${TESTS} tests, log-normal durations (median 1 s), ${SHARDS} shards`);
console.log(
  '  shape                     sigma  seed   LPT (x ideal)  by file order (x ideal)  LPT vs file order',
);
let worst = 0;
for (const [shape, perFile] of [
  ['1 test per file', 1],
  ['200 files of 5 tests', 5],
]) {
  for (const sigma of [1.0, 1.5]) {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed * 7919 + Math.round(sigma * 10));
      const tests = Array.from({ length: TESTS }, () => logNormal(rand, 1000, sigma));
      const fileCount = TESTS / perFile;
      const files = Array.from(
        { length: fileCount },
        (_, i) => `test/f${String(i).padStart(4, '0')}.test.ts`,
      );
      const fileMs = new Map(
        files.map((f, i) => [f, tests.slice(i * perFile, (i + 1) * perFile).reduce((a, b) => a + b, 0)]),
      );
      const plan = planTier(
        1,
        [{ id: 'e2e', tier: 1, split: { by: 'files', files }, knownMs: null, fileMs }],
        SHARDS,
        null,
      );
      const longest = Math.max(...fileMs.values());
      const naive = new Array(SHARDS).fill(0);
      files.forEach((f, i) => {
        naive[i % SHARDS] += fileMs.get(f);
      });
      const base = balanceOf(naive, longest).ratio;
      const r = plan.balance.ratio;
      worst = Math.max(worst, r);
      console.log(
        `  ${shape.padEnd(25)} ${sigma.toFixed(1).padStart(5)}  ${String(seed).padStart(4)}   ${r.toFixed(3).padStart(12)}  ${base.toFixed(3).padStart(23)}  ${(r / base).toFixed(2).padStart(16)}x`,
      );
    }
  }
}
console.log(
  `  worst LPT ratio: ${worst.toFixed(3)}x ideal (goal ≤ 1.10x): ${worst <= 1.1 ? 'met' : 'MISSED'}`,
);

// ---- merge speed ---------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-shard-'));
try {
  const files = Array.from({ length: PARTIALS }, (_, i) => `test/e2e/f${i}.test.ts`);
  const tierPlan = planTier(
    1,
    [
      {
        id: 'e2e',
        tier: 1,
        split: { by: 'files', files },
        knownMs: null,
        fileMs: new Map(files.map((f) => [f, 1000])),
      },
    ],
    PARTIALS,
    null,
  );
  const plan = { runId: 'tdl-20260101-000000-000000', digest: 'bench', shards: PARTIALS, tiers: [tierPlan] };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  let bytes = 0;
  for (const shard of tierPlan.shards) {
    const chunkId = shard.chunks[0];
    const cases = Array.from({ length: PER_PARTIAL }, (_, i) => {
      const failing = i % 100 === 7;
      return {
        suite: `test/e2e/area-${i % 40}/checkout-${i % 250}.test.ts`,
        name: `shard ${shard.index} places order ${i} with line items and returns 201`,
        status: failing ? 'failed' : 'passed',
        durationMs: (i * 13) % 400,
        ...(failing
          ? {
              message: `expected 201, got 500 for order ${i}`,
              stack: `AssertionError\n    at t (checkout.test.ts:${i % 90}:7)`,
            }
          : {}),
      };
    });
    const suite = {
      id: 'e2e',
      tier: 1,
      categories: [],
      command: ['npx', 'vitest', 'run'],
      state: 'completed',
      verdict: 'fail',
      reason: 'r',
      attempts: [
        {
          attempt: 1,
          startedAt: '',
          durationMs: 1,
          exitCode: 1,
          signal: null,
          timedOut: false,
          counts: null,
        },
      ],
      durationMs: 1000,
      counts: countCases(cases),
      cases,
      report: null,
      logFile: null,
      outputTail: '',
      outputBytes: 0,
      findings: [],
    };
    const partial = {
      kind: 'tdl-partial',
      version: 1,
      runId: plan.runId,
      planDigest: plan.digest,
      tier: 1,
      shard: { index: shard.index, count: PARTIALS },
      host: `runner-${shard.index}`,
      environment: {},
      commit: null,
      state: 'completed',
      startedAt: '',
      endedAt: '',
      wallMs: 60_000,
      chunks: [{ id: chunkId, suite: compactSuite(suite) }],
    };
    const text = JSON.stringify(partial);
    bytes += text.length;
    writeFileSync(join(dir, `p${shard.index}.json`), text);
  }
  const measure = (mode) => {
    const runs = [];
    for (let i = 0; i < ROUNDS; i++)
      runs.push(
        JSON.parse(
          execFileSync(
            process.execPath,
            [fileURLToPath(import.meta.url), '--child', mode, dir, join(dir, 'plan.json')],
            {
              encoding: 'utf8',
              env: { ...process.env },
              maxBuffer: 1 << 24,
            },
          ),
        ),
      );
    runs.sort((a, b) => a.ms - b.ms);
    return runs[runs.length >> 1];
  };
  const parse = measure('parse');
  const tier = measure('tier');
  const finish = measure('finish');
  console.log(
    `\nmerge: ${PARTIALS} partials x ${PER_PARTIAL.toLocaleString('en')} tests (${(bytes / 1e6).toFixed(1)} MB of partials), median of ${ROUNDS}, each in its own process`,
  );
  console.log('  step                               time      peak RSS   vs read+parse only');
  const row = (name, r) =>
    console.log(
      `  ${name.padEnd(32)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${r.rssMb.toFixed(0).padStart(6)} MB   ${(r.ms / parse.ms).toFixed(2)}x time, ${(r.rssMb / parse.rssMb).toFixed(2)}x RSS`,
    );
  row('read + JSON.parse only (floor)', parse);
  row('tdl merge --tier (gate)', tier);
  row('--finish read (every test kept)', finish);
  console.log(`  merged: ${JSON.stringify(tier.summary)}`);
  const ok = tier.ms <= 2000 && tier.rssMb <= 300;
  console.log(`  goal ≤ 2 s and ≤ 300 MB for the tier merge: ${ok ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- per-shard overhead ----------------------------------------------------------------------
// What a shard costs beyond its tests: `tdl run --plan … --shard 2/2` on a shard the plan gave
// nothing (start, read the plan and playbook, write the partial), end to end as a process, side by
// side with `tdl --version` (node and tdl's start alone). docs/scale.md uses this figure.
const proj = mkdtempSync(join(tmpdir(), 'tdl-bench-shard-proj-'));
try {
  const cli = join(root, 'dist', 'cli', 'main.cjs');
  writeFileSync(
    join(proj, 'tdl.yaml'),
    'name: overhead\nsuites:\n  - id: one\n    command: [node, -e, "0"]\n',
  );
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: proj });
  execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', 'add', '-A'], { cwd: proj });
  execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'x'], { cwd: proj });
  execFileSync(process.execPath, [cli, 'plan', '--shards', '2', '--out', 'plan.json', '--json'], {
    cwd: proj,
    stdio: 'ignore',
  });
  const time = (args) => {
    const ms = [];
    for (let i = 0; i < Math.max(5, ROUNDS); i++) {
      const t = performance.now();
      execFileSync(process.execPath, [cli, ...args], {
        cwd: proj,
        stdio: 'ignore',
        env: { ...process.env, CI: 'true' },
      });
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return ms[ms.length >> 1];
  };
  const version = time(['--version']);
  const empty = time(['run', '--plan', 'plan.json', '--tier', '1', '--shard', '2/2', '--out', 'p.json']);
  console.log('\nper-shard overhead (median of 5, whole process)');
  console.log(`  tdl --version (baseline)             ${version.toFixed(0).padStart(5)} ms`);
  console.log(
    `  an empty shard (plan in, partial out) ${empty.toFixed(0).padStart(4)} ms   ${(empty / version).toFixed(2)}x the baseline`,
  );
} finally {
  rmSync(proj, { recursive: true, force: true });
}
