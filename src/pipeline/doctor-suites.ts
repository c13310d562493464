/**
 * `tdl doctor`'s suite checks: each suite's real runner is run once in a cheap mode (its version, or
 * whether a Python module imports), looking through `sh -c`, `npx` and `python3 -m`, with a timeout.
 * Finding the first word on PATH proves little: `sh` is always there, `npx` downloads what is missing,
 * and `python3` is there without pytest. Unknown programs are only looked up on PATH, never run.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import type { CheckResult } from '../core/check.js';
import { errorMessage } from '../core/errors.js';
import { shellWords, splitOperators } from '../playbook/init/script.js';
import type { Playbook } from '../playbook/load.js';

/** What to run to prove a suite's runner is there. Pure: decided from the command alone. */
export interface SuiteProbe {
  /** The program the suite really depends on (`go`, `pytest`, `vitest`). */
  program: string;
  /** How it is found: on PATH, in node_modules/.bin (npx), or as a Python module. */
  kind: 'path' | 'node-bin' | 'python-module';
  /** The probe to run; null when no probe is known (PATH lookup only). */
  argv: string[] | null;
  /** Executable to look up first (the interpreter for a Python module). */
  executable: string;
}

const ENV_WORD = /^[A-Za-z_]\w*=/;
/** Version probes of programs that have one and nothing else to do. */
const VERSION: Record<string, string[]> = {
  go: ['version'],
  node: ['--version'],
  python: ['--version'],
  python3: ['--version'],
  deno: ['--version'],
  bun: ['--version'],
  cargo: ['--version'],
  vitest: ['--version'],
  jest: ['--version'],
  mocha: ['--version'],
  pytest: ['--version'],
  npm: ['--version'],
};
/** Words of a shell script that set things up rather than run the tests. */
const SETUP = /^(cd|export|set|true|:|mkdir|rm|echo)\b|^npm run (pre|build)/;

/** The words of the command that starts the tests: through `sh -c`/`shell: true`, past env and setup. */
export function effectiveWords(command: readonly string[], shell: boolean): string[] {
  const [first, flag, script] = command;
  const shellScript = shell
    ? command.join(' ')
    : (first === 'sh' || first === 'bash' || first?.endsWith('/sh') || first?.endsWith('/bash')) &&
        flag === '-c' &&
        script !== undefined
      ? script
      : undefined;
  if (shellScript === undefined) return [...command];
  for (const raw of splitOperators(shellScript)) {
    if (SETUP.test(raw)) continue;
    const words = (shellWords(raw) ?? raw.split(/\s+/)).filter((w) => w && !ENV_WORD.test(w));
    if (words.length) return words;
  }
  return [first ?? ''];
}

export function probeFor(command: readonly string[], shell: boolean): SuiteProbe {
  let words = effectiveWords(command, shell);
  const head = words[0] ?? '';
  const base = head.split('/').at(-1)!;
  if (base === 'npx' || base === 'bunx' || (['npm', 'pnpm'].includes(base) && words[1] === 'exec')) {
    words = words.slice(base === 'npx' || base === 'bunx' ? 1 : 2).filter((w) => !w.startsWith('-'));
    const bin = words[0] ?? '';
    return {
      program: bin,
      kind: 'node-bin',
      argv: VERSION[bin] ? [bin, ...VERSION[bin]!] : null,
      executable: bin,
    };
  }
  if (/^python[\d.]*$/.test(base)) {
    const m = words.indexOf('-m');
    const mod = m >= 0 ? words[m + 1] : undefined;
    if (mod) {
      const argv =
        mod === 'pytest'
          ? [head, '-m', 'pytest', '--version']
          : [
              head,
              '-c',
              `import importlib.util,sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(mod)}) else 1)`,
            ];
      return { program: mod, kind: 'python-module', argv, executable: head };
    }
  }
  return {
    program: head,
    kind: 'path',
    argv: VERSION[base] ? [head, ...VERSION[base]!] : null,
    executable: head,
  };
}

/** `node_modules/.bin/<bin>` from `cwd` up to the filesystem root, as npx finds it; null when absent. */
export function findNodeBin(bin: string, cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', bin);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

export function fixFor(probe: SuiteProbe): string {
  if (probe.kind === 'node-bin') {
    return `run npm install (or add ${probe.program} to devDependencies): npx would otherwise download it on every run, or fail offline`;
  }
  if (probe.kind === 'python-module') {
    return probe.program === 'pytest'
      ? 'install pytest for this python (python3 -m pip install pytest, or apt-get install python3-pytest)'
      : `install the Python module ${probe.program} for ${probe.executable}`;
  }
  if (probe.program === 'go') return 'install Go (https://go.dev/dl/, or apt-get install golang-go)';
  if (probe.program.startsWith('replace-with-'))
    return 'replace the placeholder tdl init wrote with your test command';
  return `install ${probe.program}, or change suites[].command`;
}

/** Probes are cheap; one that takes longer is hung. TDL_DOCTOR_PROBE_TIMEOUT_MS overrides it (tests). */
const probeTimeoutMs = (env: NodeJS.ProcessEnv) => Number(env.TDL_DOCTOR_PROBE_TIMEOUT_MS) || 30_000;

type FindExecutable = (command: string, cwd: string, path?: string) => string | null;

async function checkSuite(
  suite: Playbook['suites'][number],
  repoDir: string,
  env: NodeJS.ProcessEnv,
  findExecutable: FindExecutable,
): Promise<CheckResult> {
  const name = `suite ${suite.id}: runner`;
  const cwd = suite.cwd ? resolve(repoDir, suite.cwd) : repoDir;
  if (!existsSync(cwd)) {
    return {
      name,
      ok: false,
      detail: `working folder ${cwd} does not exist`,
      fix: 'fix suites[].cwd or repo',
    };
  }
  const probe = probeFor(suite.command, suite.shell);
  const fix = fixFor(probe);
  let argv = probe.argv;
  if (probe.kind === 'node-bin') {
    const bin = findNodeBin(probe.program, cwd);
    if (!bin)
      return {
        name,
        ok: false,
        detail: `${probe.program} is not in node_modules/.bin (npx ${probe.program})`,
        fix,
      };
    if (!argv) return { name, ok: true, detail: `${probe.program} → ${bin} (no probe known for it)` };
    argv = [bin, ...argv.slice(1)];
  } else {
    const found = findExecutable(probe.executable, cwd, env.PATH);
    if (!found) return { name, ok: false, detail: `${probe.executable} is not on PATH`, fix };
    if (!argv) return { name, ok: true, detail: `${probe.program} → ${found} (no probe known for it)` };
  }
  const shown = [probe.kind === 'node-bin' ? probe.program : argv[0]!, ...argv.slice(1)].join(' ');
  const timeout = probeTimeoutMs(env);
  try {
    const r = await execa(argv[0]!, argv.slice(1), {
      cwd,
      env: { ...env, ...suite.env },
      extendEnv: false,
      reject: false,
      timeout,
      stdin: 'ignore',
      all: true,
    });
    if (r.timedOut) {
      return { name, ok: false, detail: `${shown} did not answer within ${timeout / 1000} s`, fix };
    }
    const out = String(r.all ?? '')
      .trim()
      .split('\n')
      .filter(Boolean);
    if (r.exitCode === 0) {
      return { name, ok: true, detail: `${probe.program}: ${out[0] ?? 'found'} (${shown})` };
    }
    const why =
      probe.kind === 'python-module' && probe.program !== 'pytest'
        ? `module ${probe.program} not found`
        : (out.at(-1) ?? `exit ${r.exitCode}`);
    return { name, ok: false, detail: `${shown} failed: ${why.slice(0, 300)}`, fix };
  } catch (error) {
    return { name, ok: false, detail: `${shown}: ${errorMessage(error)}`, fix };
  }
}

/** One check per suite, probed in parallel (each bounded by the probe timeout). */
export function checkSuiteRunners(
  playbook: Playbook,
  env: NodeJS.ProcessEnv,
  findExecutable: FindExecutable,
): Promise<CheckResult[]> {
  return Promise.all(playbook.suites.map((s) => checkSuite(s, playbook.repoDir, env, findExecutable)));
}
