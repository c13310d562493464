// Audit figures (issue 6), measured side by side in one run on a generated tree of 50,000 TypeScript
// and Python files (about 1M lines) in a git repository:
//  1. `tdl audit` with five rules (two duplicate-definition, two forbidden-pattern, one
//     deprecated-import) vs `rg -c` for one of the forbidden patterns (target: at most 3x).
//  2. Peak RSS of `tdl audit` (target: at most 500 MB).
//  3. `tdl audit --base HEAD` with 10 changed files vs a plain audit of the same tree (target: 1.5x).
// Env: BENCH_AUDIT_FILES (default 50000), BENCH_AUDIT_RUNS (default 9: the machine is shared, runs vary).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const node = process.execPath;
const FILES = Number(process.env.BENCH_AUDIT_FILES ?? 50_000);
const RUNS = Number(process.env.BENCH_AUDIT_RUNS ?? 9);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;
// The spread of a series, shown next to its median (the machine is shared: runs vary a lot).
const range = (xs) => `(${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;

function wall(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
  if (r.status === null || r.error)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error ?? r.signal}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

// ---- the tree: 20 lines per file; a few files carry violations, some only in comments or strings
function tsFile(i) {
  const lines = [
    `import { helper${i % 50} } from '../lib/helper${i % 50}';`,
    i % 400 === 0 ? `import { log } from '../legacy/logger';` : `import { log } from '../shared/logging';`,
    '',
    `// module ${i}: redis.Redis( mentioned in a comment is fine`,
    `export interface Item${i} { id: string; value: number }`,
    i % 997 === 0 ? `export class ConnectionManager { open() {} }` : `export class Service${i} { run() {} }`,
    i % 1499 === 0
      ? `export enum RunState { A, B, C${i % 3 ? ', D' : ''} }`
      : `const label${i} = "class RunState {}";`,
    `export function compute${i}(a: number, b: number): number {`,
    '  const total = a + b;',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: generated TypeScript source text
    i % 500 === 0 ? '  const id = `${a}_${Date.now()}`;' : '  const id = String(total);',
    `  return total * ${i % 7} + id.length;`,
    '}',
    '',
    `export const config${i} = {`,
    `  name: 'service-${i}',`,
    '  retries: 3,',
    '  timeoutMs: 5000,',
    '};',
    '',
    `export default compute${i};`,
  ];
  return `${lines.join('\n')}\n`;
}

function pyFile(i) {
  const lines = [
    `"""Module ${i}. redis.Redis( in a docstring is fine."""`,
    'import os',
    i % 400 === 1 ? 'from app.logging_config import central_logger' : 'from shared.logging import get_logger',
    '',
    '',
    i % 997 === 1 ? 'class SessionManager:' : `class Handler${i}:`,
    '    def __init__(self, name):',
    '        self.name = name',
    i % 300 === 1 ? '        self.client = redis.Redis(host="localhost")' : '        self.client = None',
    '',
    '    def run(self, value):',
    i % 500 === 1 ? '        return f"{self.name}_{int(time.time() * 1000)}"' : '        return value * 2',
    '',
    '',
    i % 1499 === 1 ? 'class RunState(Enum):\n    A = 1\n    B = 2' : `def helper_${i}(x):`,
    i % 1499 === 1 ? '' : '    return x + 1',
    '',
    `CONSTANT_${i} = ${i}`,
    '# end of module',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

const PLAYBOOK = `name: bench-audit
suites:
  - { id: none, command: [node, -e, "0"] }
audit:
  scopes: { production: ["src/**"], tests: ["test/**"] }
  rules:
    - { id: one-state, kind: duplicate-definition, names: ["*State"] }
    - { id: one-manager, kind: duplicate-definition, names: ["*Manager"] }
    - { id: redis-through-manager, kind: forbidden-pattern, pattern: "redis\\\\.Redis\\\\(", allowIn: ["src/redis_manager.py"] }
    - { id: ids-through-manager, kind: forbidden-pattern, pattern: "time\\\\.time\\\\(\\\\)" }
    - { id: legacy-logger, kind: deprecated-import, module: app.logging_config, names: [central_logger], replacement: shared.logging }
`;

const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-audit-'));
try {
  const t0 = Date.now();
  let lines = 0;
  for (let i = 0; i < FILES; i++) {
    const py = i % 2 === 1;
    const sub = `${i % 10 === 0 ? 'test' : 'src'}/pkg${i % 100}/mod${Math.floor(i / 100) % 50}`;
    mkdirSync(join(dir, sub), { recursive: true });
    const text = py ? pyFile(i) : tsFile(i);
    lines += text.split('\n').length - 1;
    writeFileSync(join(dir, sub, `f${i}.${py ? 'py' : 'ts'}`), text);
  }
  writeFileSync(join(dir, 'tdl.yaml'), PLAYBOOK);
  const git = (...args) => spawnSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'tree');
  console.log(
    `generated ${FILES} files, ${lines} lines, committed in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const env = { ...process.env, CI: 'true', TDL_STATE_DIR: join(dir, '.tdl') };
  const audit = (extra = [], more = {}) =>
    wall(node, [cli, 'audit', '--json', ...extra], { cwd: dir, env: { ...env, ...more } });
  const rgOk = spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
  // Warm the page cache and git's index once before measuring.
  audit();
  if (rgOk) wall('rg', ['-c', 'redis\\.Redis\\(', '.'], { cwd: dir });

  // 1. audit vs rg, side by side; and the audit with one scanner thread beside this one
  // (TDL_AUDIT_SCANNERS=1, not the default: see docs/phases/4-compliance.md)
  const as = [];
  const rs = [];
  const split = [];
  for (let k = 0; k < RUNS; k++) {
    as.push(audit());
    if (rgOk) rs.push(wall('rg', ['-c', 'redis\\.Redis\\(', '.'], { cwd: dir }));
    split.push(audit([], { TDL_AUDIT_SCANNERS: '1' }));
  }
  console.log(
    `tdl audit: default (a reader thread, one scanning thread) median ${fmt(median(as))} ${range(as)}; with a scanner thread (TDL_AUDIT_SCANNERS=1) median ${fmt(median(split))} ${range(split)}: ${(median(split) / median(as)).toFixed(2)}x`,
  );
  if (rgOk) {
    const a = median(as);
    const r = median(rs);
    console.log(
      `tdl audit (5 rules): median ${fmt(a)} ${range(as)}; rg -c 'redis\\.Redis\\(': median ${fmt(r)} ${range(rs)}; ratio ${(a / r).toFixed(2)}x (target <= 3x); ratios per round ${as.map((x, k) => (x / rs[k]).toFixed(2)).join(' ')}`,
    );
  } else {
    console.log(
      `RIPGREP MISSING: rg not found on PATH, so the rg comparison was NOT measured (install: apt-get install -y ripgrep). tdl audit median ${fmt(median(as))}`,
    );
  }

  // 2. peak RSS
  const r = spawnSync('/usr/bin/time', ['-f', '%M', node, cli, 'audit', '--json'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  const kb = Number(r.stderr.trim().split('\n').pop());
  const report = JSON.parse(r.stdout);
  console.log(
    `tdl audit peak RSS ${(kb / 1024).toFixed(0)} MB (target <= 500 MB); ${report.filesAudited} files audited, ${report.violations.length} violations`,
  );

  // 3. --base with 10 changed files vs plain, side by side on the same working tree
  for (let i = 0; i < 10; i++) {
    const f = join(dir, `src/pkg${(i * 2 + 1) % 100}/mod0/f${i * 2 + 1}.py`);
    writeFileSync(f, `${readFileSync(f, 'utf8')}\nclass ExtraManager:\n    pass\n`);
  }
  const plain = [];
  const based = [];
  for (let k = 0; k < RUNS; k++) {
    plain.push(audit());
    based.push(audit(['--base', 'HEAD']));
  }
  const withBase = JSON.parse(
    spawnSync(node, [cli, 'audit', '--json', '--base', 'HEAD'], { cwd: dir, env, encoding: 'utf8' }).stdout,
  );
  console.log(
    `tdl audit --base HEAD (${withBase.base.changedFiles} changed files, ${withBase.base.introducedCount} introduced): median ${fmt(median(based))} ${range(based)}; plain audit: median ${fmt(median(plain))} ${range(plain)}; ratio ${(median(based) / median(plain)).toFixed(2)}x (target <= 1.5x)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
