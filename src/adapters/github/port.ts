/**
 * Issues, comments, labels and pull requests of one repository: the GitHubPort. Creating calls are
 * tried once (never retried blindly, since a lost answer may hide a success); callers that need
 * exactly-once look the result up by its marker before trying again. Reads and updates are retried.
 */

export interface GhIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  url: string;
}

export interface GhComment {
  id: number;
  body: string;
  url: string;
}

export interface GhPull {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  head: string;
  base: string;
  url: string;
}

export interface GhRepoAccess {
  fullName: string;
  /** Write access: issues, labels, branches and pull requests. */
  push: boolean;
  /** Issues and labels without pushing. */
  triage: boolean;
}

export interface GhIssuePatch {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened';
  /** The issue's whole label set. */
  labels?: string[];
}

export interface GitHubPort {
  /** `owner/name` of the repository this port writes to. */
  readonly repo: string;
  repoAccess(): Promise<GhRepoAccess>;
  /** Issues (not pull requests) carrying `label`, open and closed, every page. */
  listIssues(label: string): Promise<GhIssue[]>;
  createIssue(input: { title: string; body: string; labels: string[] }): Promise<GhIssue>;
  updateIssue(issue: number, patch: GhIssuePatch): Promise<GhIssue>;
  listComments(issue: number): Promise<GhComment[]>;
  createComment(issue: number, body: string): Promise<GhComment>;
  /** Creates the label when missing; `created` says whether it did. */
  ensureLabel(name: string, color: string, description: string): Promise<{ created: boolean }>;
  findOpenPull(head: string, base: string): Promise<GhPull | null>;
  createPull(input: { head: string; base: string; title: string; body: string }): Promise<GhPull>;
  updatePull(pull: number, patch: { title?: string; body?: string }): Promise<GhPull>;
}
