// tdl's fixed cost per run (issue 16, point 5), side by side in one run:
//  1. `tdl run` of a one-suite playbook whose suite is `node -e 0`, against `node -e 0` alone:
//     median of each; the difference is tdl's fixed cost (target: at most 250 ms).
//  2. 20 such suites: `tdl run` against the same 20 commands from a shell loop (target: at most 1.25x).
//  3. Where the time goes, for the one-suite run: Node's own start, loading tdl (`tdl --version` less
//     `node -e 0`), then the phases as the run record times them, and the rest (lock, git, record and
//     worklog writes, exit); then a CPU profile (`node --cpu-prof`) of a few runs, each sample put in
//     one bucket by the functions on its stack: loading modules, the playbook, reading history, the
//     journal writes, the history store and INDEX, starting processes, garbage collection, other work,
//     and waiting (the suite and git running).
//  4. When NODE_EXTRA_CA_CERTS is set (this machine sets it), Node reads that file at every start,
//     tdl's own and the suite's: item 1 again with it unset on both sides, for comparison.
// `node scripts/bench/overhead.mjs [rounds] [baseline]` (default 15 rounds for 1, 7 for 2). With
// `baseline`, the main.cjs of another build of tdl (say, main's, built in a copy), item 1 also runs
// that build in the same rounds, interleaved, so a change is measured before and after under the
// same load.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const node = process.execPath;
const rounds = Number(process.argv[2]) || 15;
const baseline = process.argv[3];

function wall(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', ...opts });
  if (r.status === null) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error ?? r.signal}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'tdl-overhead-'));
try {
  spawnSync('git', ['init', '-q', dir]);
  const env = { ...process.env, CI: 'true' };
  const playbook = (n) => {
    const file = join(dir, `p${n}.yaml`);
    const suites = Array.from(
      { length: n },
      (_, i) => `  - id: s${i}\n    command: ${JSON.stringify([node, '-e', '0'])}\n`,
    );
    writeFileSync(file, `name: bench\nsuites:\n${suites.join('')}`);
    return file;
  };
  mkdirSync(join(dir, 'worklogs'), { recursive: true });

  // 1 and 3: one suite.
  const one = playbook(1);
  const oneSuite = (runEnv) => {
    const tdl = [];
    const bare = [];
    const version = [];
    const phases = [];
    const base = [];
    for (let i = 0; i < rounds; i++) {
      const r = wall(node, [cli, 'run', '-p', one, '--publish', 'none', '--json'], { cwd: dir, env: runEnv });
      tdl.push(r.ms);
      const record = JSON.parse(r.stdout);
      phases.push(Object.fromEntries(record.phases.map((p) => [p.id, p.durationMs ?? 0])));
      bare.push(wall(node, ['-e', '0'], { env: runEnv }).ms);
      version.push(wall(node, [cli, '--version'], { env: runEnv }).ms);
      if (baseline)
        base.push(
          wall(node, [baseline, 'run', '-p', one, '--publish', 'none', '--json'], { cwd: dir, env: runEnv })
            .ms,
        );
    }
    return {
      t: median(tdl),
      b: median(bare),
      v: median(version),
      phases,
      base: base.length ? median(base) : null,
    };
  };
  const { t, b, v, phases, base } = oneSuite(env);
  console.log(
    `one suite of \`node -e 0\`: tdl run median ${fmt(t)}; node -e 0 median ${fmt(b)}; fixed cost ${fmt(t - b)} (target <= 250 ms); ratio ${(t / b).toFixed(2)}x`,
  );
  if (base !== null)
    console.log(
      `  baseline ${baseline}, same rounds: tdl run median ${fmt(base)}; fixed cost ${fmt(base - b)} (this build ${fmt(t - b)}: ${((t - b) / (base - b)).toFixed(2)}x)`,
    );
  const ids = Object.keys(phases[0]);
  const perPhase = ids.map((id) => [id, median(phases.map((p) => p[id]))]);
  const inPhases = perPhase.reduce((s, [, ms]) => s + ms, 0);
  console.log(
    `  where it goes (medians): node start ${fmt(b)}; loading tdl ${fmt(v - b)} (tdl --version ${fmt(v)}); phases ${fmt(inPhases)} [${perPhase.map(([id, ms]) => `${id} ${ms}`).join(', ')}]; the rest ${fmt(t - v - inPhases)} (lock, git, record and worklog writes, exit)`,
  );

  const profiled = profileRuns(one, dir, env);
  console.log(
    `  CPU profile of ${profiled.runs} runs (medians): ${profiled.buckets.map(([k, ms]) => `${k} ${fmt(ms)}`).join('; ')}`,
  );

  if (process.env.NODE_EXTRA_CA_CERTS) {
    const plain = { ...env };
    delete plain.NODE_EXTRA_CA_CERTS;
    const o = oneSuite(plain);
    console.log(
      `  with NODE_EXTRA_CA_CERTS unset on both sides (set here; Node reads it at every start): tdl run median ${fmt(o.t)}; node -e 0 median ${fmt(o.b)}; fixed cost ${fmt(o.t - o.b)}; tdl --version ${fmt(o.v)}`,
    );
  }

  // 2: twenty suites against a shell loop.
  const twenty = playbook(20);
  const loop = `for i in $(seq 20); do '${node}' -e 0; done`;
  const a = [];
  const s = [];
  const a0 = [];
  for (let i = 0; i < Math.max(5, Math.ceil(rounds / 2)); i++) {
    a.push(wall(node, [cli, 'run', '-p', twenty, '--publish', 'none'], { cwd: dir, env }).ms);
    s.push(wall('sh', ['-c', loop]).ms);
    if (baseline)
      a0.push(wall(node, [baseline, 'run', '-p', twenty, '--publish', 'none'], { cwd: dir, env }).ms);
  }
  const [ta, ts] = [median(a), median(s)];
  console.log(
    `20 suites of \`node -e 0\`: tdl run median ${fmt(ta)}; shell loop median ${fmt(ts)}; ratio ${(ta / ts).toFixed(2)}x (target <= 1.25x)`,
  );
  if (a0.length)
    console.log(
      `  baseline, same rounds: tdl run median ${fmt(median(a0))}; ratio ${(median(a0) / ts).toFixed(2)}x`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * CPU profiles of a few one-suite runs (`node --cpu-prof`), each sample put in one bucket by the
 * functions on its stack (the bundle keeps function names), medians over the runs, largest first.
 */
function profileRuns(file, cwd, env, runs = 5) {
  const byRun = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'tdl-overhead-prof-'));
    try {
      spawnSync(node, ['--cpu-prof', '--cpu-prof-dir', out, cli, 'run', '-p', file, '--publish', 'none'], {
        cwd,
        env,
        stdio: 'ignore',
      });
      const name = readdirSync(out).find((n) => n.endsWith('.cpuprofile'));
      if (name) byRun.push(bucketsOf(JSON.parse(readFileSync(join(out, name), 'utf8'))));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const keys = [...new Set(byRun.flatMap((r) => Object.keys(r)))];
  const buckets = keys.map((k) => [k, median(byRun.map((r) => r[k] ?? 0))]).sort((a, b) => b[1] - a[1]);
  return { runs: byRun.length, buckets };
}

/** Milliseconds of one profile per bucket. */
function bucketsOf(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const named = [
    ['loadPlaybook', 'playbook (yaml, zod)'],
    ['loadHistory', 'reading history'],
    ['recordRun', 'history store and INDEX'],
    ['save', 'journal writes (record, worklog, process journal)'],
    // The run's final save, and the worklog written apart from a save (when tdl waits for a suite).
    ['saveFinal', 'journal writes (record, worklog, process journal)'],
    ['writeWorklog', 'journal writes (record, worklog, process journal)'],
    ['spawn', 'starting processes'],
  ];
  const bucketOf = (id) => {
    const leaf = byId.get(id).callFrame.functionName;
    if (leaf === '(idle)') return 'waiting (suite, git)';
    if (leaf === '(garbage collector)') return 'garbage collection';
    if (leaf === '(program)') return 'other';
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x).callFrame;
      // Resolving, compiling and evaluating modules (a module's top level is its line-0 function;
      // esbuild runs a bundled CommonJS library's top level in __require2 and a lazily evaluated
      // module's in __init; Node compiles its own in compileForInternalLoader; main.cjs compiles the
      // command line's bundle in runBundle).
      if (f.url.startsWith('node:internal/modules/')) return 'loading modules';
      if (['compileForInternalLoader', '__require2', '__init'].includes(f.functionName))
        return 'loading modules';
      if (f.functionName === '' && f.lineNumber === 0 && f.url.includes('/dist/')) return 'loading modules';
    }
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const fn = byId.get(x).callFrame.functionName;
      const hit = named.find(([n]) => fn === n || fn.endsWith(`.${n}`));
      if (hit) return hit[1];
    }
    return 'other';
  };
  const out = {};
  for (let i = 0; i < profile.samples.length; i++) {
    const k = bucketOf(profile.samples[i]);
    out[k] = (out[k] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  }
  return out;
}
