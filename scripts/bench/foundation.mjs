// Foundation figures (issue 2), measured side by side in one run:
//  1. `tdl --version` median wall time vs `node -e 0` (target: at most 3x).
//  2. Orchestration overhead: `tdl run` on a playbook of 20 suites whose commands exit at once vs the
//     same 20 commands from a shell loop (target: at most 1.5x). Measured for `node -e 0` suites (a
//     typical test-runner start) and for `/bin/true` suites (pure process spawn), and both printed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const node = process.execPath;

function wall(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
  if (r.status === null) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error ?? r.signal}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function sideBySide(n, a, b) {
  const as = [];
  const bs = [];
  for (let i = 0; i < n; i++) {
    as.push(a());
    bs.push(b());
  }
  return [median(as), median(bs)];
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

// 1. --version
{
  const [tdl, bare] = sideBySide(
    21,
    () => wall(node, [cli, '--version']),
    () => wall(node, ['-e', '0']),
  );
  console.log(
    `tdl --version: median ${fmt(tdl)}; node -e 0: median ${fmt(bare)}; ratio ${(tdl / bare).toFixed(2)}x (target <= 3x)`,
  );
}

// 2. orchestration overhead
const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-'));
try {
  mkdirSync(join(dir, '.git'));
  for (const [label, argv] of [
    ['node -e 0', [node, '-e', '0']],
    ['/bin/true', ['/bin/true']],
  ]) {
    const suites = Array.from(
      { length: 20 },
      (_, i) => `  - id: s${i}\n    command: ${JSON.stringify(argv)}\n`,
    ).join('');
    const playbook = join(dir, `bench-${label.replace(/\W/g, '')}.yaml`);
    writeFileSync(playbook, `name: bench\nsuites:\n${suites}`);
    const loop = `for i in $(seq 20); do ${argv.map((a) => `'${a}'`).join(' ')}; done`;
    const env = { ...process.env, CI: 'true', TDL_STATE_DIR: join(dir, '.tdl') };
    const [tdl, shell] = sideBySide(
      7,
      () => wall(node, [cli, 'run', '-p', playbook, '--publish', 'none'], { cwd: dir, env }),
      () => wall('sh', ['-c', loop], { cwd: dir }),
    );
    console.log(
      `20 suites of \`${label}\`: tdl run median ${fmt(tdl)}; shell loop median ${fmt(shell)}; ratio ${(tdl / shell).toFixed(2)}x; fixed overhead ${fmt(tdl - shell)} (target <= 1.5x)`,
    );
  }
  // 3. memory with a suite printing 1 GiB (peak RSS of the tdl process, from /usr/bin/time).
  const flood =
    "const b = Buffer.alloc(1 << 20, 97); let n = 0; (function w() { while (n < 1024) { n++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); } })();";
  const playbook = join(dir, 'flood.yaml');
  writeFileSync(
    playbook,
    `name: flood\nsuites:\n  - id: flood\n    command: ${JSON.stringify([node, '-e', flood])}\n`,
  );
  const env = { ...process.env, CI: 'true', TDL_STATE_DIR: join(dir, '.tdl') };
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', node, cli, 'run', '-p', playbook, '--publish', 'none'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const kb = Number(r.stderr.trim().split('\n').pop());
  console.log(
    `a suite printing 1 GiB: tdl peak RSS ${(kb / 1024).toFixed(0)} MB, wall ${fmt(ms)} (log capped at 64 MiB, tail 64 KiB)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
