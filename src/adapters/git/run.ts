/**
 * The one way the git adapter runs git: argv arrays, never a shell, never throws on exit codes. It uses
 * node's child_process rather than execa: git commands are short, need no process-tree handling, and
 * `tdl audit` should not pay for loading execa before it reads a file.
 */
import { spawn } from 'node:child_process';

export interface GitOutput {
  ok: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type GitRunner = (cwd: string, args: string[]) => Promise<GitOutput>;

export interface GitRawOutput {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git with `input` on stdin (none when undefined) and returns stdout as bytes. */
export function runGitRaw(cwd: string, args: readonly string[], input?: string): Promise<GitRawOutput> {
  return new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let spawnError: string | null = null;
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code) =>
      resolve({
        exitCode: spawnError ? -1 : (code ?? -1),
        stdout: Buffer.concat(out),
        stderr: spawnError ?? Buffer.concat(err).toString('utf8'),
      }),
    );
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined); // git may exit before reading all of it
      child.stdin?.end(input);
    }
  });
}

export const runGit: GitRunner = async (cwd, args) => {
  const r = await runGitRaw(cwd, args);
  return { ok: r.exitCode === 0, exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
};
