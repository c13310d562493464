/** The GitPort on the git CLI (execa, argv arrays). */
import { createGitBranchOps } from './branch.js';
import { createGitHistoryOps } from './history.js';
import type { GitHead, GitPort } from './port.js';
import { type GitRunner, runGit } from './run.js';
import { createGitTreeOps } from './tree.js';

export type { GitHead, GitPort } from './port.js';

export function createGitPort(git: GitRunner = runGit): GitPort {
  return {
    async head(cwd) {
      const commit = await git(cwd, ['rev-parse', 'HEAD']);
      if (!commit.ok) return null;
      const [branch, status] = await Promise.all([
        git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']),
        git(cwd, ['status', '--porcelain', '--untracked-files=no', '--', '.']),
      ]);
      return {
        commit: commit.stdout.trim(),
        branch: branch.ok ? branch.stdout.trim() : null,
        dirty: status.stdout.trim().length > 0,
      } satisfies GitHead;
    },
    ...createGitTreeOps(git),
    ...createGitBranchOps(git),
    ...createGitHistoryOps(git),
  };
}
