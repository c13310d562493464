// Audit figures on real code (issue 17), side by side in one run:
//  1. `tdl audit` with five realistic rules vs `rg -c` for one of its patterns (target: at most 4x)
//     and vs `ast-grep scan` with the nearest equivalent rules (target: at most ast-grep's time),
//     on a large real Python tree and a large real TypeScript/TSX tree; peak RSS (target: 500 MB).
//  2. Hostile inputs: a 10 MB one-line minified file, a 20 MB binary `.ts`, symlinks to /dev/zero,
//     /proc/self/environ and a FIFO: each audit under 2 s, each skipped with a reason, no secret out.
//
// The corpus (pinned; never committed): cloned into BENCH_CACHE (default ~/.cache/tdl-bench) from the
// local mirror the repository's tool library fetched (/work/.mirror/<owner>+<name>/repo), else from
// GitHub, then checked out at the pinned commit. ast-grep: `npm install --prefix $BENCH_CACHE/tools
// @ast-grep/cli@0.51.1` (done here when missing). Env: BENCH_REAL_RUNS (default 5 rounds).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, filesOf } from '../audit-truth/compare.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const node = process.execPath;
const RUNS = Number(process.env.BENCH_REAL_RUNS ?? 5);
const CACHE = process.env.BENCH_CACHE ?? join(homedir(), '.cache', 'tdl-bench');
const AST_GREP_VERSION = '0.51.1';

export const CORPUS = [
  {
    name: 'saleor/saleor',
    commit: '723cd4eba87dfc72822ade45dc08a3caa548428d',
    lang: 'python',
    truth: {
      lang: 'py',
      names: ['*Error', '*Manager', 'Meta', '*Enum', '*Type'],
      maxLines: 25,
      pattern: '\\.get\\(',
      module: 'django.db',
    },
    rg: ['-c', '--type', 'py', 'datetime\\.now\\('],
    playbook: `name: bench-saleor
suites: [{ id: unit, command: [node, -e, "0"] }]
audit:
  rules:
    - { id: one-manager, kind: duplicate-definition, names: ["*Manager", "*Error", "*Enum"] }
    - { id: tz-now, kind: forbidden-pattern, pattern: "datetime\\\\.now\\\\(", fix: use django.utils.timezone.now() }
    - { id: env-read, kind: forbidden-pattern, pattern: "os\\\\.environ\\\\.get\\\\(", allowIn: ["saleor/settings.py"] }
    - { id: settings-import, kind: deprecated-import, module: django.conf, names: [settings], replacement: saleor.core.config }
    - { id: long-functions, kind: max-function-lines, max: 80 }
`,
    astGrep: {
      language: 'python',
      rules: [
        ['tz-now', 'pattern: datetime.now($$$)'],
        ['env-read', 'pattern: os.environ.get($$$)'],
        ['settings-import', 'pattern: from django.conf import settings'],
        ['one-manager', "kind: class_definition\n  has: { field: name, regex: '(Manager|Error|Enum)$' }"],
        ['long-functions', 'kind: function_definition'],
      ],
    },
  },
  {
    // 9,032 Python files (the saleor tree above has 4,673 files in all): spack's package recipes,
    // real Python classes and methods, one package per folder.
    name: 'spack/spack-packages',
    commit: '1e8cf059e35d55c4fe1142fed41785bedf6c7246',
    lang: 'python',
    truth: {
      lang: 'py',
      names: ['*Builder', '*Base', '*Error', '*Mixin'],
      maxLines: 25,
      pattern: 'os\\.environ\\[',
      module: 'spack_repo.builtin.build_systems.makefile',
    },
    rg: ['-c', '--type', 'py', 'os\\.system\\('],
    playbook: `name: bench-spack
suites: [{ id: unit, command: [node, -e, "0"] }]
audit:
  rules:
    - { id: one-builder, kind: duplicate-definition, names: ["*Builder", "*Base", "*Error"] }
    - { id: no-os-system, kind: forbidden-pattern, pattern: "os\\\\.system\\\\(", fix: use which() or Executable }
    - { id: env-write, kind: forbidden-pattern, pattern: "os\\\\.environ\\\\[", fix: set it in setup_build_environment }
    - { id: makefile-import, kind: deprecated-import, module: spack_repo.builtin.build_systems.makefile, replacement: spack_repo.builtin.build_systems.generic }
    - { id: long-functions, kind: max-function-lines, max: 80 }
`,
    astGrep: {
      language: 'python',
      rules: [
        ['no-os-system', 'pattern: os.system($$$)'],
        ['env-write', 'pattern: os.environ[$K]'],
        [
          'makefile-import',
          "kind: import_from_statement\n  has: { field: module_name, regex: '^spack_repo\\.builtin\\.build_systems\\.makefile' }",
        ],
        ['one-builder', "kind: class_definition\n  has: { field: name, regex: '(Builder|Base|Error)$' }"],
        ['long-functions', 'kind: function_definition'],
      ],
    },
  },
  {
    name: 'ant-design/ant-design',
    commit: '2b258157ff20fb8948780e414dc1d74246aede40',
    lang: 'typescript',
    truth: {
      lang: 'ts',
      names: ['*Props', '*Token', '*Type', '*Config'],
      maxLines: 25,
      pattern: '\\.current\\b',
      module: 'react',
    },
    rg: ['-c', '--type', 'ts', '--type', 'js', 'console\\.log\\('],
    playbook: `name: bench-antd
suites: [{ id: unit, command: [node, -e, "0"] }]
audit:
  rules:
    - { id: one-props, kind: duplicate-definition, names: ["*Props", "*Token"] }
    - { id: no-console, kind: forbidden-pattern, pattern: "console\\\\.log\\\\(" }
    - { id: no-any-cast, kind: forbidden-pattern, pattern: "as any\\\\b" }
    - { id: no-lodash, kind: deprecated-import, module: lodash, replacement: "@rc-component/util" }
    - { id: long-functions, kind: max-function-lines, max: 80 }
`,
    astGrep: {
      language: 'tsx',
      rules: [
        ['no-console', 'pattern: console.log($$$)'],
        ['no-any-cast', 'pattern: $X as any'],
        ['no-lodash', "kind: import_statement\n  has: { field: source, regex: '^.lodash' }"],
        [
          'one-props',
          "any:\n    - kind: interface_declaration\n    - kind: type_alias_declaration\n    - kind: class_declaration\n  has: { field: name, regex: '(Props|Token)$' }",
        ],
        [
          'long-functions',
          'any:\n    - kind: function_declaration\n    - kind: arrow_function\n    - kind: method_definition',
        ],
      ],
    },
  },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `(${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;

function wall(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
  if (r.status === null || r.error)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error ?? r.signal}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The pinned checkout of a corpus repository, cloned once into the cache. */
export function checkout(repo) {
  const dir = join(CACHE, repo.name.replace('/', '+'));
  if (!existsSync(join(dir, '.git'))) {
    mkdirSync(CACHE, { recursive: true });
    const mirror = `/work/.mirror/${repo.name.replace('/', '+')}/repo`;
    const from = existsSync(mirror) ? mirror : `https://github.com/${repo.name}.git`;
    execFileSync('git', ['clone', '-q', '--no-checkout', from, dir], { stdio: 'inherit' });
  }
  if (execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim() !== repo.commit)
    // Files of 4 MiB and more may be missing from a mirror (snapshots): checkout then complains
    // about them and leaves them out; none is a source file the audit reads.
    spawnSync('git', ['-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '-q', '-f', repo.commit], {
      stdio: 'ignore',
    });
  return dir;
}

function astGrepBin() {
  const bin = join(CACHE, 'tools', 'node_modules', '.bin', 'ast-grep');
  if (!existsSync(bin)) {
    const r = spawnSync(
      'npm',
      ['install', '--no-save', '--prefix', join(CACHE, 'tools'), `@ast-grep/cli@${AST_GREP_VERSION}`],
      {
        stdio: 'ignore',
      },
    );
    if (r.status !== 0 || !existsSync(bin)) return null;
  }
  return spawnSync(bin, ['--version']).status === 0 ? bin : null;
}

function astGrepProject(repo) {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-sg-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'sgconfig.yml'), 'ruleDirs: [rules]\n');
  for (const [id, rule] of repo.astGrep.rules)
    writeFileSync(
      join(dir, 'rules', `${id}.yml`),
      `id: ${id}\nlanguage: ${repo.astGrep.language}\nseverity: warning\nrule:\n  ${rule}\n`,
    );
  return dir;
}

function realTree(repo, sg) {
  const dir = checkout(repo);
  const playbook = join(dir, '.tdl-bench.yaml');
  writeFileSync(playbook, repo.playbook);
  const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
  const tdlArgs = [cli, 'audit', '--json', '-p', playbook, dir];
  const sgDir = sg ? astGrepProject(repo) : null;
  const sgArgs = sgDir ? ['scan', '-c', join(sgDir, 'sgconfig.yml'), '--json=stream', dir] : null;
  const as = [];
  const rs = [];
  const gs = [];
  wall(node, tdlArgs, { env }); // warm the page cache for everyone
  for (let k = 0; k < RUNS; k++) {
    as.push(wall(node, tdlArgs, { env }));
    rs.push(wall('rg', [...repo.rg, dir]));
    if (sgArgs) gs.push(wall(sg, sgArgs));
  }
  const r = spawnSync('/usr/bin/time', ['-f', '%M', node, ...tdlArgs], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const kb = Number(r.stderr.trim().split('\n').pop());
  const report = JSON.parse(r.stdout);
  const a = median(as);
  const rr = median(rs);
  const files =
    execFileSync('git', ['-C', dir, 'ls-files'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n')
      .length - 1;
  console.log(
    `${repo.name}@${repo.commit.slice(0, 12)} (${files} files, ${report.filesAudited} audited, ${report.skipped.count} skipped, ${report.violations.length} violations):`,
  );
  console.log(
    `  tdl audit (5 rules) median ${a.toFixed(0)} ms ${range(as)}; rg ${repo.rg.slice(-1)[0]} median ${rr.toFixed(0)} ms ${range(rs)}: ${(a / rr).toFixed(2)}x (target <= 4x)`,
  );
  if (gs.length) {
    const g = median(gs);
    console.log(
      `  ast-grep scan (5 rules) median ${g.toFixed(0)} ms ${range(gs)}: tdl/ast-grep ${(a / g).toFixed(2)}x (target <= 1x)`,
    );
  } else
    console.log(
      '  AST-GREP MISSING: @ast-grep/cli could not be installed or run, so that comparison was NOT measured',
    );
  console.log(`  tdl audit peak RSS ${(kb / 1024).toFixed(0)} MB (target <= 500 MB)`);
  if (sgDir) rmSync(sgDir, { recursive: true, force: true });
  rmSync(playbook, { force: true });
  const { kinds, unparsed } = compare(dir, filesOf(dir, repo.truth.lang), repo.truth);
  console.log(
    `  against the parsers (${unparsed.length} file(s) they could not parse left out; target >= 0.99 each):`,
  );
  for (const [kind, k] of Object.entries(kinds))
    console.log(
      `    ${kind}: precision ${k.precision.toFixed(4)} recall ${k.recall.toFixed(4)} (tdl ${k.tdl}, truth ${k.truth}, both ${k.both})${k.falsePositives.length ? `; e.g. false positive ${k.falsePositives.slice(0, 3).join(', ')}` : ''}${k.missed.length ? `; e.g. missed ${k.missed.slice(0, 3).join(', ')}` : ''}`,
    );
}

function hostile() {
  const cases = {
    'a 10 MB one-line minified file': (d) =>
      writeFileSync(join(d, 'src/vendor.min.js'), 'var a=new redis.Redis();'.repeat(420_000)),
    'a 20 MB binary .ts file': (d) => {
      const bin = Buffer.alloc(20 * 1024 * 1024, 0x41);
      for (let i = 0; i < bin.length; i += 4096) bin[i] = 0;
      writeFileSync(join(d, 'src/blob.ts'), bin);
    },
    'a symlink to /dev/zero': (d) => symlinkSync('/dev/zero', join(d, 'src/zero.ts')),
    'a symlink to /proc/self/environ': (d) => symlinkSync('/proc/self/environ', join(d, 'src/env.ts')),
    'a symlink to a FIFO': (d) => {
      execFileSync('mkfifo', [join(d, 'pipe')]);
      symlinkSync(join(d, 'pipe'), join(d, 'src/fifo.ts'));
    },
  };
  const secret = 'tdl-bench-secret-4471';
  for (const [name, make] of Object.entries(cases)) {
    const d = mkdtempSync(join(tmpdir(), 'tdl-bench-hostile-'));
    try {
      mkdirSync(join(d, 'src'));
      writeFileSync(join(d, 'src/a.ts'), 'export class RunState {}\n');
      writeFileSync(
        join(d, 'tdl.yaml'),
        `name: h\nsuites: [{ id: u, command: [node, -e, "0"] }]\naudit:\n  rules:\n    - { id: s, kind: forbidden-pattern, pattern: "${secret}", matchIn: all }\n    - { id: r, kind: forbidden-pattern, pattern: "redis\\\\.Redis\\\\(" }\n`,
      );
      make(d);
      execFileSync('git', ['init', '-q'], { cwd: d });
      execFileSync('git', ['add', '-A'], { cwd: d });
      const t = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/time', ['-f', '%M', node, cli, 'audit', '--json'], {
        cwd: d,
        env: { ...process.env, CI: 'true', BENCH_SECRET: secret },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const kb = Number(r.stderr.trim().split('\n').pop());
      const report = JSON.parse(r.stdout);
      const skipped = report.skipped.files.map((f) => `${f.file}: ${f.reason}`).join(', ');
      const leaked = (r.stdout + r.stderr).includes(secret);
      console.log(
        `  ${name}: ${ms.toFixed(0)} ms (target < 2000), peak RSS ${(kb / 1024).toFixed(0)} MB, skipped ${skipped || 'NOTHING'}; secret in output: ${leaked ? 'YES' : 'no'}`,
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!has('rg'))
    console.log('RIPGREP MISSING: rg not found on PATH (apt-get install -y ripgrep); rg ratios NOT measured');
  const sg = astGrepBin();
  const only = process.env.BENCH_REAL_ONLY;
  for (const repo of CORPUS) if (!only || repo.name.includes(only)) realTree(repo, sg);
  console.log('hostile inputs (each its own audit of a two-file repository):');
  hostile();
}
