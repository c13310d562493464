/** Git files and their content at a ref (phase 4). */
import type { GitRunner } from './run.js';

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the issue that owns this part
export interface GitTreeOps {}

export function createGitTreeOps(_git: GitRunner): GitTreeOps {
  return {};
}
