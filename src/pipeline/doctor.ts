/**
 * `tdl doctor`: a checklist of what a run needs, each line passed or failed with the fix. Checks are
 * data (a name and a function), so commands and tests can run them the same way. Secrets are never
 * shown: a check says where a token was found, not what it is.
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import type { CheckResult } from '../core/check.js';
import { errorMessage } from '../core/errors.js';
import { loadPlaybook, locatePlaybook, type Playbook } from '../playbook/load.js';

export interface DoctorInput {
  cwd: string;
  playbook?: string;
  env: NodeJS.ProcessEnv;
}

const MIN_NODE: [number, number] = [20, 19];

export function checkNodeVersion(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'Node.js version',
    ok,
    detail: `v${version}`,
    ...(ok ? {} : { fix: `install Node.js ${MIN_NODE.join('.')} or newer (22 or 24 recommended)` }),
  };
}

/** Whether `command` resolves to an executable, as a child process with `cwd` and `PATH` would find it. */
export function findExecutable(command: string, cwd: string, path = process.env.PATH ?? ''): string | null {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return null;
}

async function checkGit(cwd: string): Promise<CheckResult> {
  const r = await execa('git', ['--version'], { cwd, reject: false });
  return r.exitCode === 0
    ? { name: 'git', ok: true, detail: String(r.stdout).trim() }
    : { name: 'git', ok: false, detail: 'git not found', fix: 'install git and make sure it is on PATH' };
}

function checkWorklogDir(playbook: Playbook): CheckResult {
  const dir = playbook.worklogDir;
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.tdl-doctor-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
    return { name: 'worklog folder writable', ok: true, detail: dir };
  } catch (error) {
    return {
      name: 'worklog folder writable',
      ok: false,
      detail: `${dir}: ${errorMessage(error)}`,
      fix: 'set worklog.dir to a folder you can write, or fix its permissions',
    };
  }
}

/** `analyzer.command` and `remediate.command` (phase 3, `--until-green`), when set. */
function checkHookCommands(playbook: Playbook, env: NodeJS.ProcessEnv): CheckResult[] {
  const hooks = [
    ['analyzer', playbook.analyzer?.command],
    ['remediate', playbook.remediate?.command],
  ] as const;
  return hooks.flatMap(([key, command]) => {
    if (!command) return [];
    const program = command[0]!;
    const found = findExecutable(program, playbook.repoDir, env.PATH);
    const name = `${key} command found`;
    return [
      found
        ? { name, ok: true, detail: `${program} → ${found}` }
        : {
            name,
            ok: false,
            detail: `${program} is not on PATH`,
            fix: `install ${program}, or change ${key}.command`,
          },
    ];
  });
}

export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkNodeVersion(), await checkGit(input.cwd)];
  let playbook: Playbook | undefined;
  try {
    const file = locatePlaybook(input.playbook, input.cwd);
    playbook = loadPlaybook(file);
    results.push({ name: 'playbook valid', ok: true, detail: `${file} (${playbook.suites.length} suites)` });
  } catch (error) {
    results.push({
      name: 'playbook valid',
      ok: false,
      detail: errorMessage(error).split('\n')[0]!,
      fix: 'fix the playbook (all problems: tdl run --dry-run), or create one with tdl init',
    });
    return results;
  }
  results.push(checkWorklogDir(playbook));
  const { checkSuiteRunners } = await import('./doctor-suites.js');
  results.push(...(await checkSuiteRunners(playbook, input.env, findExecutable)));
  if (playbook.services.length > 0) {
    const { checkCloudRunAccess } = await import('../adapters/cloudrun/doctor.js');
    results.push(...(await checkCloudRunAccess(playbook, input.env)));
    const { checkObservabilityAccess } = await import('../adapters/observability/doctor.js');
    results.push(...(await checkObservabilityAccess(playbook, input.env)));
  }
  if (playbook.github) {
    const { checkGitHub } = await import('../adapters/github/doctor.js');
    results.push(...(await checkGitHub(playbook.github, input.env)));
  }
  results.push(...checkHookCommands(playbook, input.env));
  return results;
}

export function renderChecklist(results: readonly CheckResult[]): string {
  return results
    .map((r) => `${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}${!r.ok && r.fix ? `\n    fix: ${r.fix}` : ''}`)
    .join('\n');
}
