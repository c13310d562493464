/**
 * The audit's file listing (`git ls-files`), startable before the playbook is loaded: on a big tree
 * listing takes about as long as loading the playbook's libraries, so `tdl audit` runs both at once.
 */
import { resolve } from 'node:path';
import type { GitTreeOps } from '../adapters/git/tree.js';
import { findGitRoot } from '../core/git-root.js';
import { langOf } from './lex.js';
import type { ReadJob } from './read-pipe.js';
import { readAhead } from './readers.js';

export interface Listing {
  /** Absolute folder listed. */
  root: string;
  /** Tracked files; null outside a git repository. */
  tracked: Promise<string[] | null>;
  /** Untracked files that are not ignored (git walks the whole tree for these). */
  untracked: Promise<string[] | null>;
  /**
   * The tracked files the audit can read (auditCandidates), and their reading, started as soon as
   * they are listed: reader threads fill the read pipe while the playbook still loads and the files
   * are matched to scopes. Null job: the tree is too small for readers (or there are none).
   */
  ahead: Promise<{ candidates: string[]; job: ReadJob | null } | null>;
}

export function startListing(git: GitTreeOps, root: string, env: NodeJS.ProcessEnv = process.env): Listing {
  // The untracked walk is the slow one: it starts first.
  const untracked = git.listFiles(root, 'untracked');
  const tracked = git.listFiles(root, 'tracked');
  const ahead = tracked.then((files) => {
    if (!files) return null;
    const candidates = auditCandidates(files);
    return { candidates, job: readAhead(root, candidates, env) };
  });
  return { root, untracked, tracked, ahead };
}

/** The files of a listing the audit reads: those of a language it understands, outside `.tdl/`. */
export function auditCandidates(files: readonly string[]): string[] {
  return files.filter((f) => langOf(f) !== null && !f.startsWith('.tdl/'));
}

/**
 * The folder `tdl audit [dir]` will most likely audit, known without its playbook: `dir`, else the
 * repository around `cwd`. A playbook whose `repo:` (or location) says otherwise makes the audit list
 * its real folder itself; the guess then only cost a listing nobody reads.
 */
export function likelyAuditRoot(dir: string | undefined, cwd: string): string {
  return dir ? resolve(cwd, dir) : (findGitRoot(cwd) ?? resolve(cwd));
}
