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
      // One git process for the commit, the branch and whether tracked files changed (every run asks
      // at start): porcelain v2 prints `# branch.oid <sha>` ("(initial)" before the first commit),
      // `# branch.head <name>` ("(detached)" on a detached HEAD), then one line per changed entry.
      const r = await git(cwd, ['status', '--porcelain=v2', '--branch', '--untracked-files=no', '--', '.']);
      if (!r.ok) return null;
      return parseStatusHead(r.stdout);
    },
    ...createGitTreeOps(git),
    ...createGitBranchOps(git),
    ...createGitHistoryOps(git),
  };
}

/** HEAD from `git status --porcelain=v2 --branch` output; null before the first commit. */
export function parseStatusHead(stdout: string): GitHead | null {
  let commit: string | null = null;
  let branch: string | null = null;
  let dirty = false;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('# branch.oid ')) commit = line.slice('# branch.oid '.length).trim();
    else if (line.startsWith('# branch.head ')) branch = line.slice('# branch.head '.length).trim();
    else if (line !== '' && !line.startsWith('#')) dirty = true;
  }
  if (!commit || commit === '(initial)') return null;
  return { commit, branch: branch === '(detached)' ? null : branch, dirty } satisfies GitHead;
}
