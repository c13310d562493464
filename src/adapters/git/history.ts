/** Git diff stats, blame, log (phases 3 and 5). */
import type { GitRunner } from './run.js';

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the issue that owns this part
export interface GitHistoryOps {}

export function createGitHistoryOps(_git: GitRunner): GitHistoryOps {
  return {};
}
