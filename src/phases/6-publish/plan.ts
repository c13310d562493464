/**
 * The publish plan (pure): given the drafts and what GitHub holds now, the list of actions. Apply
 * walks the same list; `--dry-run` prints it.
 */
import type { GhIssue, GhPull } from '../../adapters/github/port.js';
import { type Indexed, type IssueList, indexIssues } from '../../services/issue-markers.js';
import type { Drafts } from './drafts.js';

export interface Snapshot {
  issues: GhIssue[];
  pull: GhPull | null;
}

export type Action =
  | { kind: 'label'; name: string }
  | { kind: 'create-master' }
  | { kind: 'reopen-master'; number: number }
  | { kind: 'create-issue'; fingerprint: string }
  | { kind: 'adopt-issue'; fingerprint: string; number: number }
  | { kind: 'close-merged'; number: number; into: string }
  | { kind: 'comment-still-failing'; fingerprint: string; number: number }
  | { kind: 'reopen-issue'; fingerprint: string; number: number }
  | { kind: 'filed-by-this-run'; fingerprint: string; number: number }
  | { kind: 'close-resolved'; number: number; tests: number }
  | { kind: 'closes-in-pr'; number: number }
  | { kind: 'dedupe' }
  | { kind: 'update-master' }
  | { kind: 'push'; branch: string; remote: string }
  | { kind: 'open-pr'; branch: string }
  | { kind: 'update-pr'; number: number };

/** Open issues of this playbook whose tests all passed in this run and that no failure of this run keeps. */
export function resolvedIssues(drafts: Drafts, index: Map<string, IssueList>): Indexed[] {
  const passed = new Set(drafts.passed);
  const current = new Set(drafts.children.map((c) => c.fingerprint));
  return [...index.values()]
    .map((list) => list[0])
    .filter(
      (x) =>
        x.issue.state === 'open' &&
        x.meta.kind === 'child' &&
        x.meta.playbook === drafts.playbook.hash &&
        !current.has(x.meta.fingerprint) &&
        x.meta.tests.length > 0 &&
        x.meta.tests.every((t) => passed.has(t)),
    )
    .sort((a, b) => a.issue.number - b.issue.number);
}

/**
 * Open issues whose fingerprint is not among this run's clusters, mapped to them through the test ids
 * they carry: each goes to the cluster sharing most of its tests.
 * - Filed under an older signature version: the oldest issue per cluster is adopted (its fingerprint
 *   moves to the new one), later ones were split by the old rule and are closed as merged into it. So
 *   an upgrade that regroups failures files nothing again.
 * - Filed under this version: the same failures grouped under another id (a joined cluster is named
 *   after its largest part, which may change from run to run). Adopted when the cluster has no issue
 *   of its own and holds at least half of the issue's tests; never closed as merged (its tests may
 *   fail for another cause now: it closes when they pass).
 */
export function mapOlderIssues(
  drafts: Drafts,
  index: Map<string, IssueList>,
): { adopt: Map<string, Indexed>; merged: { issue: Indexed; into: string }[] } {
  const version = drafts.signatureVersion ?? 1;
  const current = new Set(drafts.children.map((c) => c.fingerprint));
  const adopt = new Map<string, Indexed>();
  const merged: { issue: Indexed; into: string }[] = [];
  const older = [...index.values()]
    .map((list) => list[0])
    .filter(
      (x) =>
        x.issue.state === 'open' &&
        x.meta.kind === 'child' &&
        x.meta.playbook === drafts.playbook.hash &&
        x.meta.sig <= version &&
        !current.has(x.meta.fingerprint) &&
        x.meta.tests.length > 0,
    )
    .sort((a, b) => a.issue.number - b.issue.number);
  for (const x of older) {
    const tests = new Set(x.meta.tests);
    let best: { fp: string; shared: number } | null = null;
    for (const child of drafts.children) {
      const shared = (child.matchTests ?? child.tests).filter((t) => tests.has(t)).length;
      if (shared > 0 && (!best || shared > best.shared)) best = { fp: child.fingerprint, shared };
    }
    if (!best) continue;
    const taken = index.has(best.fp) || adopt.has(best.fp);
    if (x.meta.sig < version) {
      if (taken) merged.push({ issue: x, into: best.fp });
      else adopt.set(best.fp, x);
    } else if (!taken && best.shared * 2 >= tests.size) adopt.set(best.fp, x);
  }
  return { adopt, merged };
}

export function planActions(drafts: Drafts, snapshot: Snapshot): Action[] {
  const index = indexIssues(snapshot.issues);
  const actions: Action[] = [];
  const master = index.get(drafts.master.fingerprint)?.[0];
  const resolved = resolvedIssues(drafts, index);
  if (drafts.route === 'defer' && drafts.children.length) {
    // A label carried by an issue we can see exists already: no call needed.
    const seen = new Set(snapshot.issues.flatMap((i) => i.labels));
    for (const name of drafts.labels) if (!seen.has(name)) actions.push({ kind: 'label', name });
    if (!master) actions.push({ kind: 'create-master' });
    else if (master.issue.state === 'closed')
      actions.push({ kind: 'reopen-master', number: master.issue.number });
    const older = mapOlderIssues(drafts, index);
    for (const child of drafts.children) {
      const found = index.get(child.fingerprint)?.[0];
      const adopted = older.adopt.get(child.fingerprint);
      if (!found && adopted)
        actions.push({ kind: 'adopt-issue', fingerprint: child.fingerprint, number: adopted.issue.number });
      else if (!found) actions.push({ kind: 'create-issue', fingerprint: child.fingerprint });
      else if (found.meta.run === drafts.runId && found.issue.state === 'open')
        actions.push({
          kind: 'filed-by-this-run',
          fingerprint: child.fingerprint,
          number: found.issue.number,
        });
      else if (found.issue.state === 'closed')
        actions.push({ kind: 'reopen-issue', fingerprint: child.fingerprint, number: found.issue.number });
      else
        actions.push({
          kind: 'comment-still-failing',
          fingerprint: child.fingerprint,
          number: found.issue.number,
        });
    }
    for (const m of older.merged)
      actions.push({ kind: 'close-merged', number: m.issue.issue.number, into: m.into });
  }
  if (drafts.route === 'proceed-change') {
    for (const r of resolved) actions.push({ kind: 'closes-in-pr', number: r.issue.number });
  } else if (drafts.github.closeResolved) {
    for (const r of resolved)
      actions.push({ kind: 'close-resolved', number: r.issue.number, tests: r.meta.tests.length });
  }
  // Only a run that created something can have raced another run into a duplicate.
  if (actions.some((a) => a.kind === 'create-issue' || a.kind === 'create-master'))
    actions.push({ kind: 'dedupe' });
  const touchesMaster = actions.some((a) => a.kind !== 'closes-in-pr');
  // An open master is reconciled on every publish, from its children's real states: it closes once
  // they are all closed, whoever closed them (a person, or a run that crashed between two steps).
  if (
    (touchesMaster && (master || actions.some((a) => a.kind === 'create-master'))) ||
    master?.issue.state === 'open'
  )
    actions.push({ kind: 'update-master' });
  if (drafts.route === 'proceed-change' && drafts.pull) {
    actions.push({ kind: 'push', branch: drafts.pull.branch, remote: drafts.pull.remote });
    actions.push(
      snapshot.pull
        ? { kind: 'update-pr', number: snapshot.pull.number }
        : { kind: 'open-pr', branch: drafts.pull.branch },
    );
  }
  return actions;
}

/** One line per action, for `--dry-run` and the worklog. */
export function describeAction(action: Action, drafts: Drafts): string {
  const title = (fp: string) => drafts.children.find((c) => c.fingerprint === fp)?.title ?? fp;
  switch (action.kind) {
    case 'label':
      return `ensure label "${action.name}" exists`;
    case 'create-master':
      return `create master issue "${drafts.master.title}"`;
    case 'reopen-master':
      return `reopen master issue #${action.number}`;
    case 'create-issue':
      return `create issue "${title(action.fingerprint)}"`;
    case 'adopt-issue':
      return `update #${action.number} to the current grouping and comment (still failing: "${title(action.fingerprint)}")`;
    case 'close-merged':
      return `comment on #${action.number} and close it (merged into "${title(action.into)}" by the current grouping)`;
    case 'comment-still-failing':
      return `comment on #${action.number} (still failing: "${title(action.fingerprint)}")`;
    case 'filed-by-this-run':
      return `keep #${action.number} (filed by this run already: "${title(action.fingerprint)}")`;
    case 'reopen-issue':
      return `reopen #${action.number} and comment (failing again: "${title(action.fingerprint)}")`;
    case 'close-resolved':
      return `comment on #${action.number} and close it (its ${action.tests} test(s) pass)`;
    case 'closes-in-pr':
      return `list "Closes #${action.number}" in the pull request (its tests pass)`;
    case 'dedupe':
      return 'check for duplicates filed by a concurrent run (the oldest issue wins)';
    case 'update-master':
      return 'update the master issue task list in place';
    case 'push':
      return `push branch ${action.branch} to ${action.remote}`;
    case 'open-pr':
      return `open a pull request ${action.branch} → ${drafts.pull?.base ?? ''}`;
    case 'update-pr':
      return `update pull request #${action.number} (only if its title or body changed)`;
  }
}
