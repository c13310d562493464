/**
 * What `tdl init` finds in a repository: test suites per ecosystem, each with the reporter flags that
 * make it write the report tdl reads best (README "Test reports"), the project's own runner flags kept.
 * Pure: it gets a view of the files (and what the machine has) and returns suggestions.
 */
import { type Segment, scriptSegments, shQuote, splitOperators } from './script.js';

export interface RepoView {
  /** True when the file exists (path relative to the repository root). */
  exists(path: string): boolean;
  /** The file's text, or undefined. */
  read(path: string): string | undefined;
  /** Names in a folder (files and folders), or [] when it is not one. */
  list(path: string): string[];
}

/** What the machine has, where it changes which command works (asked by the caller, not guessed here). */
export interface MachineFacts {
  /** `python3 -m pytest` runs here (pytest also runs unittest-style tests and writes JUnit). */
  pytest: boolean;
}

export type SuggestedFormat = 'junit' | 'jest-json' | 'vitest-json' | 'tap' | 'go-json';

export interface SuggestedSuite {
  id: string;
  tier: number;
  categories: string[];
  command: string[];
  report?: { format: SuggestedFormat; path: string };
  env?: Record<string, string>;
  /** Folder of the suite, relative to the repository (workspace packages). */
  cwd?: string;
  /** The command needs a shell (globs, `$VAR`): the comment says so. */
  shell?: boolean;
  /** Why this suite was suggested, written as comment lines above it. */
  why: string[];
}

interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
}

type Runner = 'vitest' | 'jest' | 'mocha' | 'node-test';

const anyOf = (view: RepoView, names: string[]) => names.find((n) => view.exists(n));

function configFile(view: RepoView, base: string): string | undefined {
  return anyOf(
    view,
    ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((ext) => `${base}.${ext}`),
  );
}

function readJson(view: RepoView, path: string): PackageJson | undefined {
  const text = view.read(path);
  if (text === undefined) return undefined;
  try {
    const doc = JSON.parse(text) as unknown;
    return doc && typeof doc === 'object' ? (doc as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

/** A runner call found in a script segment: the runner, its own arguments, env set in front of it. */
interface RunnerCall {
  runner: Runner;
  /** Words before the runner's arguments (`node` and node's own flags for node:test). */
  head: string[];
  args: string[];
  env: Record<string, string>;
  /** Wrappers left out (`c8`, `nyc`): they change nothing tdl reads. */
  dropped: string[];
  shell: boolean;
  /** `npm run pretest &&` goes first (the package has a pretest script). */
  pretest?: boolean;
  /** `node file.js` (a file that imports node:test), not `node --test`. */
  script?: boolean;
  segment: Segment;
}

const ENV_WORD = /^[A-Za-z_]\w*=/;
const RUNNER_BIN: Record<string, Runner> = {
  vitest: 'vitest',
  jest: 'jest',
  mocha: 'mocha',
  _mocha: 'mocha',
};
const LAUNCHERS = new Set(['npx', 'exec', 'pnpm', 'yarn', 'bunx', 'cross-env', '--', '--no-install', '--no']);

/**
 * A runner call in one script segment. `node file.js` counts when the file imports `node:test`: node
 * runs its tests and takes the same `--test-reporter` flags without `--test`.
 */
function runnerCall(segment: Segment, view: RepoView, prefix: string): RunnerCall | undefined {
  // A segment that needs a shell is split at blanks: its words go back to a shell as they are.
  const shell = segment.words === null;
  const words = segment.words ?? segment.raw.split(/\s+/).filter(Boolean);
  const env: Record<string, string> = {};
  const dropped: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const bin = w.split('/').at(-1)!;
    const runner = RUNNER_BIN[bin];
    if (runner) return { runner, head: [], args: words.slice(i + 1), env, dropped, shell, segment };
    if (bin === 'node') {
      const rest = words.slice(i + 1);
      const at = rest.indexOf('--test');
      if (at >= 0) {
        return {
          runner: 'node-test',
          head: rest.slice(0, at),
          args: rest.slice(at + 1),
          env,
          dropped,
          shell,
          segment,
        };
      }
      const file = rest.findIndex((a) => /\.[cm]?[jt]s$/.test(a) && !a.startsWith('-'));
      const text = file >= 0 ? view.read(`${prefix}${rest[file]}`) : undefined;
      if (file < 0 || !text || !/['"]node:test['"]/.test(text)) return undefined;
      return {
        runner: 'node-test',
        head: rest.slice(0, file),
        args: rest.slice(file),
        env,
        dropped,
        shell,
        segment,
        script: true,
      };
    }
    if (ENV_WORD.test(w) && !shell) {
      const eq = w.indexOf('=');
      env[w.slice(0, eq)] = w.slice(eq + 1);
    } else if (!LAUNCHERS.has(w)) {
      if (w.startsWith('-') && dropped.length) dropped[dropped.length - 1] += ` ${w}`;
      else dropped.push(w);
    }
  }
  return undefined;
}

/** Drops the flags (and their separate values) that tdl sets itself. */
function withoutFlags(args: string[], flags: { bare: string[]; valued: string[] }): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.split('=')[0]!;
    if (flags.bare.includes(a)) continue;
    if (flags.valued.some((f) => name === f || name.startsWith(`${f}.`))) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function runnerSuite(call: RunnerCall, id: string): SuggestedSuite {
  const dir = '{reportDir}';
  let command: string[];
  let report: SuggestedSuite['report'];
  if (call.runner === 'vitest') {
    const kept = withoutFlags(call.args, {
      bare: ['run', 'watch', 'dev', '--run', '--watch', '-w', '--silent'],
      valued: ['--reporter', '--outputFile'],
    });
    // The console reporter stays, so the run log (and the worklog's excerpt) shows vitest's own output.
    command = [
      'npx',
      'vitest',
      'run',
      ...kept,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${dir}/${id}.json`,
    ];
    report = { format: 'vitest-json', path: `${dir}/${id}.json` };
  } else if (call.runner === 'jest') {
    const kept = withoutFlags(call.args, {
      bare: ['--json', '--watch', '--watchAll', '--ci'],
      valued: ['--outputFile'],
    });
    command = ['npx', 'jest', '--ci', ...kept, '--json', `--outputFile=${dir}/${id}.json`];
    report = { format: 'jest-json', path: `${dir}/${id}.json` };
  } else if (call.runner === 'mocha') {
    const kept = withoutFlags(call.args, {
      bare: ['--watch', '-w'],
      valued: ['--reporter', '-R', '--reporter-option', '--reporter-options', '-O'],
    });
    command = [
      'npx',
      'mocha',
      ...kept,
      '--reporter',
      'xunit',
      '--reporter-options',
      `output=${dir}/${id}.xml`,
    ];
    report = { format: 'junit', path: `${dir}/${id}.xml` };
  } else {
    const kept = withoutFlags(call.args, {
      bare: [],
      valued: ['--test-reporter', '--test-reporter-destination'],
    });
    // TAP gives node's exact counts; spec on stdout keeps the console output readable.
    command = [
      'node',
      ...call.head,
      ...(call.script ? [] : ['--test']),
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${dir}/${id}.tap`,
      ...kept,
    ];
    report = { format: 'tap', path: `${dir}/${id}.tap` };
  }
  const why = [
    `from the test script: ${call.segment.raw}${call.segment.via.length > 1 ? ` (via npm run ${call.segment.via.slice(1).join(' → ')})` : ''}`,
  ];
  if (call.dropped.length)
    why.push(`left out ${call.dropped.join(', ')} (a wrapper: tdl reads the report, not coverage)`);
  if (call.pretest) {
    why.push('shell: true so the pretest script runs first, as npm test would run it');
    command = ['npm', 'run', 'pretest', '&&', ...(call.segment.words ? command.map(shQuote) : command)];
  } else if (call.shell) {
    // The words are the script's own, still in shell syntax: they go back to the shell unchanged.
    why.push(
      'shell: true because the script uses shell syntax (a glob or $VARIABLE) that only a shell expands',
    );
  }
  return {
    id,
    tier: 1,
    categories: ['unit'],
    command,
    report,
    ...(Object.keys(call.env).length ? { env: call.env } : {}),
    ...(call.shell ? { shell: true } : {}),
    why,
  };
}

/**
 * `npm test` runs the `pretest` script first (often a build the tests import); a suite that calls the
 * runner directly would skip it, so it runs first here, through a shell (`npm run pretest && …`).
 */
function withPretest(call: RunnerCall): void {
  call.pretest = true;
  call.shell = true;
}

/** The default call of a runner that is a dependency but not called by the test script as written. */
function defaultCall(runner: Runner): RunnerCall {
  return {
    runner,
    head: [],
    args: [],
    env: {},
    dropped: [],
    shell: false,
    segment: { raw: '', words: [], via: [] },
  };
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Suites of one package.json (the root, or a workspace package under `prefix`). */
function packageSuites(
  view: RepoView,
  prefix: string,
  taken: Set<string>,
  idPrefix: string,
  depsFallback = true,
): SuggestedSuite[] {
  const pkg = readJson(view, `${prefix}package.json`);
  if (!pkg) return [];
  const scripts = pkg.scripts ?? {};
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const testScript = scripts.test ?? '';
  const out: SuggestedSuite[] = [];
  const segments = scriptSegments(scripts, 'test');
  const calls = segments
    .map((segment) => runnerCall(segment, view, prefix))
    .filter((c): c is RunnerCall => c !== undefined);
  // Named as the test script names them: `npm run check:type:ts`, not the commands inside it.
  const leftOut = [
    ...new Set(
      segments
        .filter((s) => !calls.some((c) => c.segment === s))
        .map((s) => (s.via.length > 1 ? `npm run ${s.via[1]}` : s.raw)),
    ),
  ].filter(
    (label) => !calls.some((c) => c.segment.via[1] !== undefined && label === `npm run ${c.segment.via[1]}`),
  );
  for (const call of calls) {
    if (scripts.pretest !== undefined && call.segment.via[0] === 'test') withPretest(call);
    const suite = runnerSuite(call, uniqueId(`${idPrefix}${call.runner}`, taken));
    if (leftOut.length) suite.why.push(`left out of the suite (not a test run): ${leftOut.join(' ; ')}`);
    out.push(suite);
  }
  // A runner that is a dependency but not in the test script as written (a wrapper like `ts-scripts test`).
  const called = new Set(calls.map((c) => c.runner));
  for (const runner of ['vitest', 'jest', 'mocha'] as const) {
    if (!depsFallback || called.has(runner) || !deps[runner] || out.length) continue;
    const suite = runnerSuite(defaultCall(runner), uniqueId(`${idPrefix}${runner}`, taken));
    const config =
      runner === 'vitest'
        ? (configFile(view, `${prefix}vitest.config`) ?? configFile(view, `${prefix}vite.config`))
        : runner === 'jest'
          ? configFile(view, `${prefix}jest.config`)
          : anyOf(
              view,
              ['.mocharc.yml', '.mocharc.yaml', '.mocharc.json', '.mocharc.js', '.mocharc.cjs'].map(
                (f) => prefix + f,
              ),
            );
    suite.why = [
      `${runner} in package.json${config ? `, config ${config}` : ''}${testScript ? `; the test script (${testScript}) does not call it directly` : ''}`,
    ];
    out.push(suite);
  }
  if (out.length === 0 && testScript && !/no test specified/.test(testScript)) {
    const pieces = splitOperators(testScript);
    out.push({
      id: uniqueId(`${idPrefix}npm-test`, taken),
      tier: 1,
      categories: ['unit'],
      command: ['npm', 'test'],
      why: [
        `the test script in package.json (${pieces.join(' ; ')}): no runner tdl knows, so no report; judged by exit code`,
      ],
    });
  }
  for (const s of out) if (prefix) s.cwd = prefix.replace(/\/$/, '');
  return out;
}

/** Workspace package folders (`packages/*` and plain paths; deeper globs are not expanded). */
function workspaceDirs(view: RepoView, pkg: PackageJson): string[] {
  const globs = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);
  const dirs: string[] = [];
  for (const g of globs) {
    if (typeof g !== 'string' || g.startsWith('!')) continue;
    const clean = g.replace(/^\.\//, '').replace(/\/$/, '');
    if (clean.endsWith('/*')) {
      const parent = clean.slice(0, -2);
      for (const name of view.list(parent).sort()) {
        if (view.exists(`${parent}/${name}/package.json`)) dirs.push(`${parent}/${name}`);
      }
    } else if (!/[*?[{]/.test(clean) && view.exists(`${clean}/package.json`)) {
      dirs.push(clean);
    }
  }
  return dirs;
}

function nodeSuites(view: RepoView, taken: Set<string>): SuggestedSuite[] {
  const root = readJson(view, 'package.json');
  if (!root) return [];
  const dirs = workspaceDirs(view, root);
  // A monorepo root's runner dependencies are there for its packages: only its own test script counts.
  const out = packageSuites(view, '', taken, '', dirs.length === 0);
  for (const dir of dirs) {
    const idPrefix = `${dir
      .split('/')
      .at(-1)!
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')}-`;
    out.push(...packageSuites(view, `${dir}/`, taken, idPrefix));
  }
  // The root's own `npm test` usually runs the workspaces' tests again (`--workspaces`): keep only theirs.
  if (out.some((s) => s.cwd)) return out.filter((s) => s.cwd || s.report);
  return out;
}

const PY_TEST_DIRS = ['tests', 'test', 'testing', '.'];

/** Test files (`test_*.py`, `*_test.py`) in the usual folders, one level deep. */
function pythonTestFiles(view: RepoView): string[] {
  const files: string[] = [];
  for (const dir of PY_TEST_DIRS) {
    // Sorted: the comment naming them must not depend on the order the file system lists them in.
    for (const name of [...view.list(dir)].sort()) {
      if (/^test_.*\.py$|_test\.py$/.test(name)) files.push(dir === '.' ? name : `${dir}/${name}`);
    }
  }
  return files;
}

/** Top-level packages under `src/` (a src layout): tests import them only when src is on the path. */
function srcPackages(view: RepoView): string[] {
  return [...view.list('src')].sort().filter((n) => view.exists(`src/${n}/__init__.py`));
}

function pythonSuites(view: RepoView, machine: MachineFacts): SuggestedSuite[] {
  const pyproject = view.read('pyproject.toml') ?? '';
  const setupCfg = view.read('setup.cfg') ?? '';
  const toxIni = view.read('tox.ini') ?? '';
  const pytestIni = view.read('pytest.ini') ?? '';
  const reasons = [
    view.exists('pytest.ini') && 'pytest.ini',
    /\[tool\.pytest/.test(pyproject) && 'pyproject.toml [tool.pytest]',
    view.exists('conftest.py') && 'conftest.py',
    /\[tool:pytest\]/.test(setupCfg) && 'setup.cfg [tool:pytest]',
    /\[pytest\]/.test(toxIni) && 'tox.ini [pytest]',
  ].filter((r): r is string => Boolean(r));
  const files = pythonTestFiles(view);
  const texts = files.map((f) => view.read(f) ?? '');
  const unittestStyle = texts.some((t) =>
    /\bimport unittest\b|unittest\.TestCase|from unittest import/.test(t),
  );
  const pytestStyle = texts.some((t) => /\bimport pytest\b|^def test_/m.test(t));
  if (reasons.length === 0 && files.length === 0) return [];
  const why: string[] = [];
  const env: Record<string, string> = {};
  const pythonpathSet = /^\s*pythonpath\s*=/m.test(`${pyproject}\n${setupCfg}\n${toxIni}\n${pytestIni}`);
  const src = srcPackages(view);
  if (src.length && !pythonpathSet) {
    // A src layout is importable once installed (pip install -e .); PYTHONPATH makes it so without that.
    env.PYTHONPATH = 'src';
    why.push(
      `src layout (src/${src.join(', src/')}): PYTHONPATH=src so the tests import it without an install`,
    );
  }
  if (reasons.length || pytestStyle || machine.pytest) {
    why.unshift(
      reasons.length
        ? `pytest: ${reasons.join(', ')}`
        : pytestStyle
          ? `pytest-style tests (${files.slice(0, 3).join(', ')})`
          : `unittest-style tests (${files.slice(0, 3).join(', ')}), run by pytest (it runs unittest TestCases and writes JUnit)`,
    );
    return [
      {
        id: 'pytest',
        tier: 1,
        categories: ['unit'],
        command: [
          'python3',
          '-m',
          'pytest',
          '--junitxml={reportDir}/pytest.xml',
          '-o',
          'junit_family=xunit2',
        ],
        report: { format: 'junit', path: '{reportDir}/pytest.xml' },
        ...(Object.keys(env).length ? { env } : {}),
        why,
      },
    ];
  }
  if (!unittestStyle) return [];
  const dir = files[0]!.includes('/') ? files[0]!.split('/')[0]! : '.';
  why.unshift(
    `unittest-style tests (${files.slice(0, 3).join(', ')}); pytest is not installed here, so no report:`,
    'judged by exit code, counts unknown (install pytest and run tdl init --force for a JUnit report)',
  );
  return [
    {
      id: 'unittest',
      tier: 1,
      categories: ['unit'],
      command: ['python3', '-m', 'unittest', 'discover', '-s', dir, '-t', '.', '-v'],
      ...(Object.keys(env).length ? { env } : {}),
      why,
    },
  ];
}

function goSuites(view: RepoView): SuggestedSuite[] {
  if (!view.exists('go.mod')) return [];
  return [
    {
      id: 'go-test',
      tier: 1,
      categories: ['unit'],
      // go test -json writes to stdout; 2>&1 keeps the compiler's messages of a build failure in the report.
      command: ['sh', '-c', 'go test -json ./... > "$TDL_REPORT_DIR/go-test.json" 2>&1'],
      report: { format: 'go-json', path: '{reportDir}/go-test.json' },
      why: ['go.mod'],
    },
  ];
}

/** Every suite tdl can suggest for the repository. */
export function detectSuites(view: RepoView, machine: MachineFacts = { pytest: true }): SuggestedSuite[] {
  const taken = new Set<string>();
  return [...nodeSuites(view, taken), ...pythonSuites(view, machine), ...goSuites(view)];
}

/** Whether the repository has Python tests that pytest may run (so the caller asks the machine). */
export function wantsPython(view: RepoView): boolean {
  return pythonTestFiles(view).length > 0;
}

/** The project's name: package.json, pyproject/setup.cfg, go.mod, else undefined (the caller uses the folder). */
export function projectName(view: RepoView): string | undefined {
  const pkg = readJson(view, 'package.json');
  if (pkg?.name && typeof pkg.name === 'string') return pkg.name;
  const pyproject = view.read('pyproject.toml') ?? '';
  const py = /^\[project\][^[]*?^name\s*=\s*["']([^"']+)["']/ms.exec(pyproject);
  if (py) return py[1];
  const cfg = /^\[metadata\][^[]*?^name\s*=\s*(\S+)/ms.exec(view.read('setup.cfg') ?? '');
  if (cfg) return cfg[1];
  const setup = /\bname\s*=\s*["']([^"']+)["']/.exec(view.read('setup.py') ?? '');
  if (setup) return setup[1];
  const mod = /^module\s+(\S+)/m.exec(view.read('go.mod') ?? '');
  if (mod) return mod[1]!.split('/').at(-1);
  return undefined;
}

/** `owner/name` from a GitHub remote URL (https or ssh), or undefined. */
export function githubRepoFromRemote(url: string): string | undefined {
  const m = /github\.com[:/]+([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}
