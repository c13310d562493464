/**
 * The audit's file listing (`git ls-files`), startable before the playbook is loaded: on a big tree
 * listing takes about as long as loading the playbook's libraries, so `tdl audit` runs both at once.
 */
import { resolve } from 'node:path';
import { findGitRoot } from '../adapters/git/root.js';
import type { GitTreeOps } from '../adapters/git/tree.js';

export interface Listing {
  /** Absolute folder listed. */
  root: string;
  /** Tracked files; null outside a git repository. */
  tracked: Promise<string[] | null>;
  /** Untracked files that are not ignored (git walks the whole tree for these). */
  untracked: Promise<string[] | null>;
}

export function startListing(git: GitTreeOps, root: string): Listing {
  // The untracked walk is the slow one: it starts first.
  const untracked = git.listFiles(root, 'untracked');
  return { root, untracked, tracked: git.listFiles(root, 'tracked') };
}

/**
 * The folder `tdl audit [dir]` will most likely audit, known without its playbook: `dir`, else the
 * repository around `cwd`. A playbook whose `repo:` (or location) says otherwise makes the audit list
 * its real folder itself; the guess then only cost a listing nobody reads.
 */
export function likelyAuditRoot(dir: string | undefined, cwd: string): string {
  return dir ? resolve(cwd, dir) : (findGitRoot(cwd) ?? resolve(cwd));
}
