/**
 * Reading and writing the repository under test: the GitPort. It is composed of one interface per
 * concern so that each part has one home:
 * - `GitBasics` (here): HEAD and the working tree state;
 * - `GitTreeOps` (tree.ts): files and their content at a ref (phase 4's audit, `--base`);
 * - `GitBranchOps` (branch.ts): branches, ahead/behind, push (phase 6's pull requests);
 * - `GitHistoryOps` (history.ts): diff stats, blame and log (phases 3 and 5).
 */
import type { GitBranchOps } from './branch.js';
import type { GitHistoryOps } from './history.js';
import type { GitTreeOps } from './tree.js';

export interface GitHead {
  commit: string;
  /** null on a detached HEAD. */
  branch: string | null;
  dirty: boolean;
}

export interface GitBasics {
  /** HEAD of the repository at `cwd`, or null when it is not a git repository. */
  head(cwd: string): Promise<GitHead | null>;
}

export interface GitPort extends GitBasics, GitTreeOps, GitBranchOps, GitHistoryOps {}
