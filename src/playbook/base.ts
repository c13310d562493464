/** The base branch: what a run is compared with, one rule for every phase and the history step. */
import type { Playbook } from './load.js';

/**
 * The branch a run's changes are compared with: `decision.base`, else `github.baseBranch`, else
 * `main` (`tdl init` writes the repository's default branch into both). Phase 4 diffs the audit
 * against its merge base (unless `audit.base` names a ref), phase 5 the change size and the tests'
 * weakening, and the history step finds the last run on it.
 */
export function baseBranch(playbook: Pick<Playbook, 'decision' | 'github'>): string {
  return playbook.decision.base ?? playbook.github?.baseBranch ?? 'main';
}
