/** Git branches, ahead/behind, push (phase 6). */
import type { GitRunner } from './run.js';

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the issue that owns this part
export interface GitBranchOps {}

export function createGitBranchOps(_git: GitRunner): GitBranchOps {
  return {};
}
