/** The GitPort on the git CLI (execa, argv arrays). */
import { execa } from 'execa';
import type { GitHead, GitPort } from './port.js';

export type { GitHead, GitPort } from './port.js';

async function git(cwd: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  const r = await execa('git', args, { cwd, reject: false, stdin: 'ignore' });
  return { ok: r.exitCode === 0, stdout: String(r.stdout ?? '').trim() };
}

export function createGitPort(): GitPort {
  return {
    async head(cwd) {
      const commit = await git(cwd, ['rev-parse', 'HEAD']);
      if (!commit.ok) return null;
      const [branch, status] = await Promise.all([
        git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']),
        git(cwd, ['status', '--porcelain', '--untracked-files=no', '--', '.']),
      ]);
      return {
        commit: commit.stdout,
        branch: branch.ok ? branch.stdout : null,
        dirty: status.stdout.length > 0,
      } satisfies GitHead;
    },
  };
}
