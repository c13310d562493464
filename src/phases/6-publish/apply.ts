/**
 * Applying the plan to GitHub, exactly once. Creating calls are tried once by the adapter; when one
 * fails, the issue (or comment, or pull request) is looked up by its marker before trying again, so
 * a lost answer never becomes a duplicate. Concurrent runs are reconciled afterwards: the oldest
 * issue of a fingerprint wins and later ones are closed as duplicates.
 */

import type { GitBranchOps } from '../../adapters/git/branch.js';
import { GitHubError, isAlreadyExists } from '../../adapters/github/errors.js';
import type { GhIssue, GitHubPort } from '../../adapters/github/port.js';
import type { ActionResult, PublishOutcome } from '../../phase-data/publish.js';
import {
  duplicateComment,
  failingAgainComment,
  type MasterItem,
  masterBody,
  masterDoneComment,
  masterTasks,
  pullBody,
  resolvedComment,
  stillFailingComment,
  withFingerprint,
} from './bodies.js';
import type { Drafts } from './drafts.js';
import { commentMarker, issueMarkers, MASTER_REF, readMeta } from './markers.js';
import { type Action, describeAction, indexIssues, planActions, type Snapshot } from './plan.js';

/** Tries of one creating call whose outcome was unknown (no answer, 5xx, rate limit). */
const MAX_TRIES = 4;

export const LABEL_COLOR = 'd93f0b';
/** Label of an issue reopened twice (see labelIfFlaky). */
export const FLAKY_LABEL = 'flaky';

export async function readSnapshot(drafts: Drafts, gh: GitHubPort): Promise<Snapshot> {
  const issues = await gh.listIssues(drafts.labels[0]!);
  const pull = drafts.pull ? await gh.findOpenPull(drafts.pull.branch, drafts.pull.base) : null;
  return { issues, pull };
}

/** Runs `create`; after a failure, finds what it may have made before trying again. */
async function exactlyOnce<T>(create: () => Promise<T>, find: () => Promise<T | null>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      const unknownOutcome = error instanceof GitHubError && (error.transient || isAlreadyExists(error));
      const found = unknownOutcome ? await find() : null;
      if (found) return found;
      if (!unknownOutcome || attempt >= MAX_TRIES) throw error;
    }
  }
}

export interface ApplyOptions {
  gh: GitHubPort;
  git: GitBranchOps | null;
  log?: (line: string) => void;
}

export async function applyDrafts(
  drafts: Drafts,
  { gh, git, log = () => {} }: ApplyOptions,
): Promise<PublishOutcome> {
  const snapshot = await readSnapshot(drafts, gh);
  const actions = planActions(drafts, snapshot);
  const results: ActionResult[] = [];
  const known = new Map<number, GhIssue>(snapshot.issues.map((i) => [i.number, i]));
  const numbers = new Map<string, number>();
  for (const [fp, list] of indexIssues(snapshot.issues)) numbers.set(fp, list[0]!.issue.number);
  const closedNow = new Set<number>();
  const closesInPr: number[] = [];
  let pullDone: { number: number; url: string } | null = null;
  const marker = (kind: string) => commentMarker(drafts.runId, kind);
  const note = (action: Action, status: ActionResult['status'], issue?: { number: number; url: string }) => {
    const line = describeAction(action, drafts);
    results.push({ action: line, status, ...(issue ? { number: issue.number, url: issue.url } : {}) });
    log(`${status === 'unchanged' ? 'unchanged: ' : ''}${line}${issue ? ` → ${issue.url}` : ''}`);
  };
  const findByFp = async (fp: string) => {
    const list = indexIssues(await gh.listIssues(drafts.labels[0]!)).get(fp);
    const open = list?.[0];
    return open ? open.issue : null;
  };
  const createIssue = async (fp: string, title: string, body: string) => {
    const issue = await exactlyOnce(
      () => gh.createIssue({ title, body, labels: drafts.labels }),
      () => findByFp(fp),
    );
    known.set(issue.number, issue);
    numbers.set(fp, issue.number);
    return issue;
  };
  const commentOnce = async (number: number, kind: string, body: string): Promise<boolean> => {
    const has = async () => (await gh.listComments(number)).some((c) => c.body.includes(marker(kind)));
    if (await has()) return false;
    await exactlyOnce(
      () => gh.createComment(number, body),
      async () => ((await has()) ? { id: 0, body, url: '' } : null),
    );
    return true;
  };
  /**
   * An issue reopened twice (two "failing again" comments from different runs) gets the `flaky`
   * label: its test passes and fails by turns, so a pass is no proof of a fix.
   */
  const labelIfFlaky = async (number: number) => {
    const reopened = (await gh.listComments(number)).filter((c) =>
      /<!-- tdl:comment=[^:]+:failing-again -->/.test(c.body),
    ).length;
    const issue = known.get(number);
    if (reopened < 2 || !issue || issue.labels.includes(FLAKY_LABEL)) return;
    known.set(number, await gh.updateIssue(number, { labels: [...issue.labels, FLAKY_LABEL] }));
  };
  const setState = async (
    number: number,
    state: 'open' | 'closed',
    stateReason?: 'completed' | 'not_planned',
  ) => {
    const issue = await gh.updateIssue(number, { state, ...(stateReason ? { stateReason } : {}) });
    known.set(number, issue);
    return issue;
  };
  const masterMarkers = issueMarkers({
    fingerprint: drafts.master.fingerprint,
    playbook: drafts.playbook.hash,
    kind: 'master',
    tests: [],
    run: drafts.runId,
  });
  const renderMaster = (items: MasterItem[], closedTotal = 0, masterUrl?: string) =>
    masterBody({
      closedTotal,
      label: drafts.labels[0]!,
      // https://github.com/o/r/issues/12 → https://github.com/o/r/issues (links to the folded ones).
      ...(masterUrl && /\/issues\/\d+$/.test(masterUrl)
        ? { issuesUrl: masterUrl.replace(/\/\d+$/, '') }
        : {}),
      markers: masterMarkers,
      playbook: drafts.playbook.name,
      runId: drafts.runId,
      rule: drafts.rule,
      summary: drafts.summary,
      worklog: drafts.worklog,
      items,
    });
  const masterNumber = () => numbers.get(drafts.master.fingerprint);
  const masterRef = () => (masterNumber() ? `#${masterNumber()}` : 'no master issue');

  for (const action of actions) {
    switch (action.kind) {
      case 'label': {
        const { created } = await gh.ensureLabel(action.name, LABEL_COLOR, 'Filed by tdl (test-deploy-loop)');
        note(action, created ? 'done' : 'unchanged');
        break;
      }
      case 'create-master': {
        const issue = await createIssue(drafts.master.fingerprint, drafts.master.title, renderMaster([]));
        note(action, 'done', issue);
        break;
      }
      case 'reopen-master': {
        note(action, 'done', await setState(action.number, 'open'));
        break;
      }
      case 'create-issue': {
        const child = drafts.children.find((c) => c.fingerprint === action.fingerprint)!;
        // Unique among open issues: another failure's open issue with this title → a fingerprint suffix.
        const taken = [...known.values()].some(
          (i) =>
            i.state === 'open' &&
            i.title === child.title &&
            readMeta(i.body)?.fingerprint !== child.fingerprint,
        );
        const issue = await createIssue(
          child.fingerprint,
          taken ? withFingerprint(child.title, child.fingerprint) : child.title,
          child.body.split(MASTER_REF).join(masterRef()),
        );
        note(action, 'done', issue);
        break;
      }
      case 'adopt-issue': {
        // Filed under an older signature version: it takes this cluster's body (and so its
        // fingerprint), then gets the usual still-failing comment.
        const child = drafts.children.find((c) => c.fingerprint === action.fingerprint)!;
        const body = child.body.split(MASTER_REF).join(masterRef());
        const current = known.get(action.number);
        const issue =
          current && current.body === body && current.title === child.title
            ? current
            : await gh.updateIssue(action.number, { title: child.title, body });
        known.set(action.number, issue);
        numbers.set(child.fingerprint, action.number);
        await commentOnce(
          action.number,
          'still-failing',
          stillFailingComment(marker('still-failing'), drafts.runId, child.tests.length, drafts.worklog),
        );
        note(action, 'done', issue);
        break;
      }
      case 'close-merged': {
        const into = numbers.get(action.into);
        await commentOnce(
          action.number,
          'merged',
          `${marker('merged')}\nThe same failure as ${into ? `#${into}` : 'another issue'} under tdl's current grouping of failures (signature version ${drafts.signatureVersion ?? 1}); closing this one.`,
        );
        const issue = await setState(action.number, 'closed', 'not_planned');
        closedNow.add(action.number);
        note(action, 'done', issue);
        break;
      }
      case 'filed-by-this-run': {
        note(action, 'unchanged', known.get(action.number));
        break;
      }
      case 'reopen-issue':
      case 'comment-still-failing': {
        const child = drafts.children.find((c) => c.fingerprint === action.fingerprint)!;
        const again = action.kind === 'reopen-issue';
        if (again) await setState(action.number, 'open');
        const text = (again ? failingAgainComment : stillFailingComment)(
          marker(again ? 'failing-again' : 'still-failing'),
          drafts.runId,
          child.tests.length,
          drafts.worklog,
        );
        const posted = await commentOnce(action.number, again ? 'failing-again' : 'still-failing', text);
        if (again) await labelIfFlaky(action.number);
        note(action, posted || again ? 'done' : 'unchanged', known.get(action.number));
        break;
      }
      case 'close-resolved': {
        await commentOnce(
          action.number,
          'resolved',
          resolvedComment(marker('resolved'), drafts.runId, action.tests),
        );
        const issue = await setState(action.number, 'closed', 'completed');
        closedNow.add(action.number);
        note(action, 'done', issue);
        break;
      }
      case 'closes-in-pr': {
        closesInPr.push(action.number);
        note(action, 'done', known.get(action.number));
        break;
      }
      case 'dedupe': {
        const index = indexIssues(await gh.listIssues(drafts.labels[0]!));
        let closed = 0;
        for (const [fp, list] of index) {
          const open = list.filter((x) => x.issue.state === 'open');
          if (open.length < 2) continue;
          const [winner, ...losers] = open;
          numbers.set(fp, winner!.issue.number);
          for (const loser of losers) {
            await commentOnce(
              loser.issue.number,
              'duplicate',
              duplicateComment(marker('duplicate'), winner!.issue.number),
            );
            await setState(loser.issue.number, 'closed', 'not_planned');
            closed++;
          }
        }
        note(action, closed ? 'done' : 'unchanged');
        break;
      }
      case 'update-master': {
        const number = masterNumber();
        if (!number) break;
        const master =
          known.get(number) ?? (await gh.listIssues(drafts.labels[0]!)).find((i) => i.number === number);
        const items = new Map<number, MasterItem>();
        for (const t of masterTasks(master?.body ?? '')) {
          const issue = known.get(t.number);
          items.set(t.number, {
            ...t,
            title: issue?.title ?? t.title,
            closed: issue ? issue.state === 'closed' : true,
          });
        }
        for (const child of drafts.children) {
          const n = numbers.get(child.fingerprint);
          if (n)
            items.set(n, {
              number: n,
              title: child.title,
              tier: child.tier,
              tests: child.tests.length,
              closed: false,
            });
        }
        for (const n of closedNow) {
          const prev = items.get(n);
          const issue = known.get(n)!;
          items.set(n, {
            number: n,
            title: issue.title,
            tier: prev?.tier ?? 0,
            tests: prev?.tests ?? 0,
            closed: true,
          });
        }
        // Closed issues of this playbook in all (those folded out of the body too): from the listing.
        const closedTotal = [...known.values()].filter((i) => {
          const meta = i.state === 'closed' ? readMeta(i.body) : null;
          return meta?.kind === 'child' && meta.playbook === drafts.playbook.hash;
        }).length;
        const body = renderMaster([...items.values()], closedTotal, master?.url);
        const allClosed = (items.size > 0 || closedTotal > 0) && [...items.values()].every((i) => i.closed);
        if (master && master.body === body && !(allClosed && master.state === 'open')) {
          note(action, 'unchanged', master);
          break;
        }
        const updated = await gh.updateIssue(number, { body });
        known.set(number, updated);
        note(action, 'done', updated);
        if (allClosed && updated.state === 'open') {
          await commentOnce(number, 'master-done', masterDoneComment(marker('master-done'), drafts.runId));
          known.set(number, await setState(number, 'closed', 'completed'));
          log(`closed master issue #${number}: every tracked issue is closed`);
        }
        break;
      }
      case 'push': {
        if (!git) throw new GitHubError(0, 'cannot push: no git access in this context');
        await git.push(drafts.pull!.repoDir, action.remote, action.branch);
        note(action, 'done');
        break;
      }
      case 'open-pr':
      case 'update-pr': {
        const pull = drafts.pull!;
        const body = pullBody({
          marker: pull.marker,
          summary: pull.summary,
          decisionTable: pull.decisionTable,
          closes: closesInPr,
        });
        if (action.kind === 'open-pr') {
          const pr = await exactlyOnce(
            () => gh.createPull({ head: pull.branch, base: pull.base, title: pull.title, body }),
            () => gh.findOpenPull(pull.branch, pull.base),
          );
          pullDone = { number: pr.number, url: pr.url };
          results.push({
            action: describeAction(action, drafts),
            status: 'done',
            number: pr.number,
            url: pr.url,
          });
          log(`${describeAction(action, drafts)} → ${pr.url}`);
          break;
        }
        const current = snapshot.pull!;
        pullDone = { number: current.number, url: current.url };
        if (current.title === pull.title && current.body === body) {
          note(action, 'unchanged', current);
          break;
        }
        note(action, 'done', await gh.updatePull(action.number, { title: pull.title, body }));
        break;
      }
    }
  }
  const issues: PublishOutcome['issues'] = [];
  const mn = masterNumber();
  if (mn && known.get(mn)) {
    const m = known.get(mn)!;
    issues.push({ kind: 'master', number: m.number, title: m.title, url: m.url, state: m.state });
  }
  for (const child of drafts.children) {
    const n = numbers.get(child.fingerprint);
    const i = n ? known.get(n) : undefined;
    if (i) issues.push({ kind: 'child', number: i.number, title: i.title, url: i.url, state: i.state });
  }
  for (const n of closedNow) {
    const i = known.get(n)!;
    issues.push({ kind: 'child', number: i.number, title: i.title, url: i.url, state: i.state });
  }
  return { actions: results, issues, pull: pullDone };
}

/** The plan without side effects: reads GitHub when a port is given, else plans against nothing. */
export async function dryRun(drafts: Drafts, gh: GitHubPort | null): Promise<ActionResult[]> {
  const snapshot = gh ? await readSnapshot(drafts, gh) : { issues: [], pull: null };
  return planActions(drafts, snapshot).map((a) => ({ action: describeAction(a, drafts), status: 'planned' }));
}
