// tdl's fixed cost per run (issue 16, point 5), side by side in one run:
//  1. `tdl run` of a one-suite playbook whose suite is `node -e 0`, against `node -e 0` alone:
//     median of each; the difference is tdl's fixed cost (target: at most 250 ms).
//  2. 20 such suites: `tdl run` against the same 20 commands from a shell loop (target: at most 1.25x).
//  3. Where the time goes, for the one-suite run: Node's own start, loading tdl (`tdl --version` less
//     `node -e 0`), then the phases as the run record times them, and the rest (lock, git, record and
//     worklog writes, exit).
// `node scripts/bench/overhead.mjs [rounds]` (default 15 rounds for 1, 7 for 2).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const node = process.execPath;
const rounds = Number(process.argv[2]) || 15;

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
  const tdl = [];
  const bare = [];
  const version = [];
  const phases = [];
  for (let i = 0; i < rounds; i++) {
    const r = wall(node, [cli, 'run', '-p', one, '--publish', 'none', '--json'], { cwd: dir, env });
    tdl.push(r.ms);
    const record = JSON.parse(r.stdout);
    phases.push(Object.fromEntries(record.phases.map((p) => [p.id, p.durationMs ?? 0])));
    bare.push(wall(node, ['-e', '0']).ms);
    version.push(wall(node, [cli, '--version']).ms);
  }
  const [t, b, v] = [median(tdl), median(bare), median(version)];
  console.log(
    `one suite of \`node -e 0\`: tdl run median ${fmt(t)}; node -e 0 median ${fmt(b)}; fixed cost ${fmt(t - b)} (target <= 250 ms); ratio ${(t / b).toFixed(2)}x`,
  );
  const ids = Object.keys(phases[0]);
  const perPhase = ids.map((id) => [id, median(phases.map((p) => p[id]))]);
  const inPhases = perPhase.reduce((s, [, ms]) => s + ms, 0);
  console.log(
    `  where it goes (medians): node start ${fmt(b)}; loading tdl ${fmt(v - b)} (tdl --version ${fmt(v)}); phases ${fmt(inPhases)} [${perPhase.map(([id, ms]) => `${id} ${ms}`).join(', ')}]; the rest ${fmt(t - v - inPhases)} (lock, git, record and worklog writes, exit)`,
  );

  // 2: twenty suites against a shell loop.
  const twenty = playbook(20);
  const loop = `for i in $(seq 20); do '${node}' -e 0; done`;
  const a = [];
  const s = [];
  for (let i = 0; i < Math.max(5, Math.ceil(rounds / 2)); i++) {
    a.push(wall(node, [cli, 'run', '-p', twenty, '--publish', 'none'], { cwd: dir, env }).ms);
    s.push(wall('sh', ['-c', loop]).ms);
  }
  const [ta, ts] = [median(a), median(s)];
  console.log(
    `20 suites of \`node -e 0\`: tdl run median ${fmt(ta)}; shell loop median ${fmt(ts)}; ratio ${(ta / ts).toFixed(2)}x (target <= 1.25x)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
