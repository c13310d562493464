/** Where HEAD left the base branch: one rule for phases 4 and 5. */
import type { Ports } from '../adapters/index.js';
import { baseBranch } from '../playbook/base.js';
import type { Playbook } from '../playbook/load.js';

/** What the lookup reads of the RunContext (src/phases/context.ts). */
interface BaseContext {
  playbook: Playbook;
  ports: Ports;
  /** This pass's lookup, kept by the runner. */
  baseCommit?: () => Promise<BaseCommit>;
}

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
 * The merge base of HEAD with the base branch (see lookupBaseCommit): the lookup the runner started
 * for this pass over the phases if there is one, else a new one.
 */
export function baseCommit(ctx: BaseContext): Promise<BaseCommit> {
  return ctx.baseCommit ? ctx.baseCommit() : lookupBaseCommit(ctx);
}

/**
 * The merge base of HEAD with the base branch: the local branch, else its `origin/` copy (a CI
 * checkout often has only the latter). Looked up once per pass over the phases (pipeline/runner.ts:
 * once the pass's first suite has started, or when a phase asks first), as HEAD itself is read once
 * per run or --until-green iteration: HEAD may move between the iterations of an --until-green loop.
 * Its two git processes then run while the suites do, not after them (issue 16).
 */
export async function lookupBaseCommit(ctx: BaseContext): Promise<BaseCommit> {
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
