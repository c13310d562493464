/** Reading (and, for phase 6, writing) the repository under test: the GitPort. */

export interface GitHead {
  commit: string;
  /** null on a detached HEAD. */
  branch: string | null;
  dirty: boolean;
}

export interface GitPort {
  /** HEAD of the repository at `cwd`, or null when it is not a git repository. */
  head(cwd: string): Promise<GitHead | null>;
}
