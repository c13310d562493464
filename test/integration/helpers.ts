/** Temp projects and a way to run the built CLI as a real child process. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.cjs');

export interface TempProject {
  dir: string;
  write(path: string, text: string): string;
  cleanup(): void;
}

/** A temp folder holding a git repository with one commit of the files given. */
export async function tempProject(files: Record<string, string>): Promise<TempProject> {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-it-'));
  const write = (path: string, text: string) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  const git = (...args: string[]) => execa('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init', '--allow-empty');
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `tdl` (the built CLI) in `cwd` with a clean, non-TTY environment. */
export function tdl(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [CLI, ...args], {
    cwd,
    reject: false,
    env: { CI: 'true', NO_COLOR: '1', ...env },
    extendEnv: true,
  }) as ResultPromise<{ reject: false }>;
}

/** A node:test suite that writes JUnit to {reportDir}/<id>.xml. */
export function nodeSuite(id: string, tier: number, testDir: string, extra = ''): string {
  return `  - id: ${id}
    tier: ${tier}
    categories: [${id}]
    command: [node, --test, --test-reporter=junit, "--test-reporter-destination={reportDir}/${id}.xml", ${testDir}]
    report: { format: junit, path: "{reportDir}/${id}.xml" }
    timeout: 60s
${extra}`;
}

export const PASSING_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('adds', () => assert.equal(1 + 1, 2));
test('concatenates', () => assert.equal('a' + 'b', 'ab'));
`;

export const FAILING_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('passes', () => assert.ok(true));
test('fails', () => assert.equal(1, 2, 'one is not two'));
`;

/** Alive and not a zombie (a killed process may wait a moment to be reaped by init). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
