/** Where HEAD left the base branch: one rule for phases 4 and 5. */
import { baseBranch } from '../playbook/base.js';
import type { RunContext } from './context.js';

export interface BaseCommit {
  /** The base branch (playbook/base.ts). */
  branch: string;
  /** The ref the merge base was found with (`<branch>`, else `origin/<branch>`); null: neither. */
  ref: string | null;
  /** The merge base of HEAD and `ref`; null when there is none. */
  mergeBase: string | null;
  /** How it was found, or why there is none (shown in the worklog). */
  note: string;
}

/**
 * The merge base of HEAD with the base branch: the local branch, else its `origin/` copy (a CI
 * checkout often has only the latter). Asked by each phase that needs it (HEAD may move between the
 * iterations of an --until-green loop).
 */
export async function baseCommit(ctx: Pick<RunContext, 'playbook' | 'ports'>): Promise<BaseCommit> {
  const branch = baseBranch(ctx.playbook);
  // A ref starting with `-` would be read as an option.
  if (!branch.startsWith('-')) {
    // Both asked at once (two short git processes side by side); the local branch wins when it has one.
    const refs = [branch, `origin/${branch}`];
    const bases = await Promise.all(
      refs.map((ref) => ctx.ports.git.mergeBase(ctx.playbook.repoDir, ref, 'HEAD')),
    );
    for (const [i, ref] of refs.entries()) {
      const mergeBase = bases[i];
      if (mergeBase) return { branch, ref, mergeBase, note: `merge-base of HEAD and ${ref}` };
    }
  }
  return {
    branch,
    ref: null,
    mergeBase: null,
    note: `no merge-base of HEAD and ${branch} (or origin/${branch})`,
  };
}
