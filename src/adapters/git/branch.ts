/** Git branches, ahead/behind, push (phase 6's pull requests). */
import { InfraError } from '../../core/errors.js';
import type { GitRunner } from './run.js';

export interface AheadBehind {
  /** The ref compared with: `<remote>/<base>` when it exists, else the local `<base>`. */
  baseRef: string;
  ahead: number;
  behind: number;
}

export interface GitBranchOps {
  /** The checked-out branch, or null on a detached HEAD or outside git. */
  currentBranch(cwd: string): Promise<string | null>;
  /** Commits HEAD has that the base lacks, and the reverse; null when the base is unknown. */
  aheadBehind(cwd: string, base: string, remote?: string): Promise<AheadBehind | null>;
  /** Pushes `branch` to `remote` (same name there, upstream set). Throws InfraError on failure. */
  push(cwd: string, remote: string, branch: string): Promise<void>;
}

export function createGitBranchOps(git: GitRunner): GitBranchOps {
  const verify = async (cwd: string, ref: string) =>
    (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).ok;
  return {
    async currentBranch(cwd) {
      const r = await git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
      return r.ok ? r.stdout.trim() || null : null;
    },
    async aheadBehind(cwd, base, remote = 'origin') {
      const candidates = [`refs/remotes/${remote}/${base}`, `refs/heads/${base}`];
      for (const ref of candidates) {
        if (!(await verify(cwd, ref))) continue;
        const r = await git(cwd, ['rev-list', '--left-right', '--count', `${ref}...HEAD`]);
        if (!r.ok) return null;
        const [behind = 0, ahead = 0] = r.stdout.trim().split(/\s+/).map(Number);
        return { baseRef: ref.replace(/^refs\/(remotes|heads)\//, ''), ahead, behind };
      }
      return null;
    },
    async push(cwd, remote, branch) {
      const r = await git(cwd, [
        'push',
        '--porcelain',
        '--set-upstream',
        remote,
        `refs/heads/${branch}:refs/heads/${branch}`,
      ]);
      if (!r.ok) {
        const why = r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 400);
        throw new InfraError(
          'EGITPUSH',
          `git push ${remote} ${branch} failed: ${why}`,
          'check the remote and your push access',
        );
      }
    },
  };
}
