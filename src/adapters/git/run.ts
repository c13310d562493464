/** The one way the git adapter runs git: execa, argv arrays, no stdin, never throws on exit codes. */
import { execa } from 'execa';

export interface GitOutput {
  ok: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type GitRunner = (cwd: string, args: string[]) => Promise<GitOutput>;

export const runGit: GitRunner = async (cwd, args) => {
  const r = await execa('git', args, { cwd, reject: false, stdin: 'ignore', stripFinalNewline: false });
  return {
    ok: r.exitCode === 0,
    exitCode: r.exitCode ?? -1,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
  };
};
