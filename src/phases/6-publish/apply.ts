/**
 * Applying the plan to GitHub, exactly once. Creating calls are tried once by the adapter; when one
 * fails, the issue (or comment, or pull request) is looked up by its marker before trying again, so
 * a lost answer never becomes a duplicate. Concurrent runs are reconciled afterwards: the oldest
 * issue of a fingerprint wins and later ones are closed as duplicates.
 *
 * Each planned action becomes a `Step` (with what the plan guarantees it), run by the handler of its
 * kind over an explicit `ApplyState`; the outcome is read from that state at the end.
 */

import type { GitBranchOps } from '../../adapters/git/branch.js';
import { GitHubError, isAlreadyExists } from '../../adapters/github/errors.js';
import type { GhIssue, GhPull, GitHubPort } from '../../adapters/github/port.js';
import type { ActionResult, PublishOutcome } from '../../phase-data/publish.js';
import {
  commentMarker,
  indexIssues,
  issueMarkers,
  MASTER_REF,
  readMasterState,
  readMeta,
} from '../../services/issue-markers.js';
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
import type { ChildDraft, Drafts, PullDraft } from './drafts.js';
import { type Action, describeAction, planActions, type Snapshot } from './plan.js';

/** Tries of one creating call whose outcome was unknown (no answer, 5xx, rate limit). */
const MAX_TRIES = 4;

export const LABEL_COLOR = 'd93f0b';
/** Label of an issue reopened twice (see labelIfFlaky). */
export const FLAKY_LABEL = 'flaky';

export async function readSnapshot(drafts: Drafts, gh: GitHubPort): Promise<Snapshot> {
  const issues = await gh.listIssues(listingLabel(drafts));
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

/** What a handler reads and never changes: the drafts, the clients and what GitHub held at the start. */
export interface ApplyContext {
  drafts: Drafts;
  gh: GitHubPort;
  git: GitBranchOps | null;
  log: (line: string) => void;
  snapshot: Snapshot;
  /** The first label: listing the issues that carry it finds tdl's work. */
  label: string;
}

/**
 * What applying has done and learned so far, handed from one handler to the next (each updates it in
 * place); the outcome is read from it at the end.
 */
export interface ApplyState {
  /** Every issue seen, by number, as GitHub last returned it. */
  known: Map<number, GhIssue>;
  /** The issue number of each fingerprint (the canonical one). */
  numbers: Map<string, number>;
  /** Issues this run closed (resolved, merged), in order. */
  closedNow: Set<number>;
  /** Issues the pull request closes (`Closes #N`). */
  closesInPr: number[];
  /** The pull request opened or updated. */
  pull: { number: number; url: string } | null;
  results: ActionResult[];
}

/**
 * An action with what its handler needs that the plan guarantees: the cluster's draft, the pull
 * request draft, the open pull request. Resolved once (`toStep`), so handlers hold it by type.
 */
export type Step =
  | Exclude<
      Action,
      {
        kind:
          | 'create-issue'
          | 'adopt-issue'
          | 'reopen-issue'
          | 'comment-still-failing'
          | 'push'
          | 'open-pr'
          | 'update-pr';
      }
    >
  | (Extract<Action, { kind: 'create-issue' | 'adopt-issue' | 'reopen-issue' | 'comment-still-failing' }> & {
      child: ChildDraft;
    })
  | (Extract<Action, { kind: 'push' | 'open-pr' }> & { pull: PullDraft })
  | (Extract<Action, { kind: 'update-pr' }> & { pull: PullDraft; current: GhPull });

type Kind = Step['kind'];
type StepOf<K extends Kind> = Extract<Step, { kind: K }>;
export type Handler<K extends Kind> = (
  step: StepOf<K>,
  ctx: ApplyContext,
  state: ApplyState,
) => Promise<void>;

/** The first label of the drafts (the playbook schema requires one). */
export function listingLabel(drafts: Drafts): string {
  const label = drafts.labels[0];
  if (label === undefined) throw new Error('publish drafts name no label: tdl cannot find its issues again');
  return label;
}

/** The action with what the plan promised it: a broken promise is an internal error, said plainly. */
export function toStep(action: Action, drafts: Drafts, snapshot: Snapshot): Step {
  const broken = (what: string) => new Error(`publish plan: ${describeAction(action, drafts)}: ${what}`);
  switch (action.kind) {
    case 'create-issue':
    case 'adopt-issue':
    case 'reopen-issue':
    case 'comment-still-failing': {
      const child = drafts.children.find((c) => c.fingerprint === action.fingerprint);
      if (!child) throw broken(`no cluster ${action.fingerprint} in the drafts`);
      return { ...action, child };
    }
    case 'push':
    case 'open-pr':
      if (!drafts.pull) throw broken('no pull request in the drafts');
      return { ...action, pull: drafts.pull };
    case 'update-pr':
      if (!drafts.pull) throw broken('no pull request in the drafts');
      if (!snapshot.pull) throw broken('no open pull request was found');
      return { ...action, pull: drafts.pull, current: snapshot.pull };
    default:
      return action;
  }
}

/** The state before the first action: the issues listed, the canonical issue of each fingerprint. */
export function initialState(snapshot: Snapshot): ApplyState {
  const numbers = new Map<string, number>();
  for (const [fp, [first]] of indexIssues(snapshot.issues)) numbers.set(fp, first.issue.number);
  return {
    known: new Map(snapshot.issues.map((i) => [i.number, i])),
    numbers,
    closedNow: new Set(),
    closesInPr: [],
    pull: null,
    results: [],
  };
}

function note(
  step: Step,
  status: ActionResult['status'],
  ctx: ApplyContext,
  state: ApplyState,
  issue?: { number: number; url: string },
): void {
  const line = describeAction(step, ctx.drafts);
  state.results.push({ action: line, status, ...(issue ? { number: issue.number, url: issue.url } : {}) });
  ctx.log(`${status === 'unchanged' ? 'unchanged: ' : ''}${line}${issue ? ` → ${issue.url}` : ''}`);
}

const marker = (ctx: ApplyContext, kind: string) => commentMarker(ctx.drafts.runId, kind);

async function findByFp(ctx: ApplyContext, fp: string): Promise<GhIssue | null> {
  const open = indexIssues(await ctx.gh.listIssues(ctx.label)).get(fp)?.[0];
  return open ? open.issue : null;
}

async function createIssue(
  ctx: ApplyContext,
  state: ApplyState,
  fp: string,
  title: string,
  body: string,
): Promise<GhIssue> {
  const issue = await exactlyOnce(
    () => ctx.gh.createIssue({ title, body, labels: ctx.drafts.labels }),
    () => findByFp(ctx, fp),
  );
  state.known.set(issue.number, issue);
  state.numbers.set(fp, issue.number);
  return issue;
}

/** Posts the comment of this run and kind unless it is there already; says whether it posted. */
async function commentOnce(ctx: ApplyContext, number: number, kind: string, body: string): Promise<boolean> {
  const has = async () => (await ctx.gh.listComments(number)).some((c) => c.body.includes(marker(ctx, kind)));
  if (await has()) return false;
  await exactlyOnce(
    () => ctx.gh.createComment(number, body),
    async () => ((await has()) ? { id: 0, body, url: '' } : null),
  );
  return true;
}

async function setState(
  ctx: ApplyContext,
  state: ApplyState,
  number: number,
  to: 'open' | 'closed',
  stateReason?: 'completed' | 'not_planned',
): Promise<GhIssue> {
  const issue = await ctx.gh.updateIssue(number, { state: to, ...(stateReason ? { stateReason } : {}) });
  state.known.set(number, issue);
  return issue;
}

/**
 * An issue reopened twice (two "failing again" comments from different runs) gets the `flaky`
 * label: its test passes and fails by turns, so a pass is no proof of a fix.
 */
async function labelIfFlaky(ctx: ApplyContext, state: ApplyState, number: number): Promise<void> {
  const reopened = (await ctx.gh.listComments(number)).filter((c) =>
    /<!-- tdl:comment=[^:]+:failing-again -->/.test(c.body),
  ).length;
  const issue = state.known.get(number);
  if (reopened < 2 || !issue || issue.labels.includes(FLAKY_LABEL)) return;
  state.known.set(number, await ctx.gh.updateIssue(number, { labels: [...issue.labels, FLAKY_LABEL] }));
}

function masterNumber(ctx: ApplyContext, state: ApplyState): number | undefined {
  return state.numbers.get(ctx.drafts.master.fingerprint);
}

/** How a child body names its master: `#N`, or words while there is none. */
function masterRef(ctx: ApplyContext, state: ApplyState): string {
  const n = masterNumber(ctx, state);
  return n ? `#${n}` : 'no master issue';
}

function renderMaster(ctx: ApplyContext, items: MasterItem[], closedTotal = 0, masterUrl?: string): string {
  const { drafts } = ctx;
  return masterBody({
    closedTotal,
    label: ctx.label,
    // https://github.com/o/r/issues/12 → https://github.com/o/r/issues (links to the folded ones).
    ...(masterUrl && /\/issues\/\d+$/.test(masterUrl) ? { issuesUrl: masterUrl.replace(/\/\d+$/, '') } : {}),
    markers: issueMarkers({
      fingerprint: drafts.master.fingerprint,
      playbook: drafts.playbook.hash,
      kind: 'master',
      tests: [],
      run: drafts.runId,
    }),
    playbook: drafts.playbook.name,
    runId: drafts.runId,
    rule: drafts.rule,
    summary: drafts.summary,
    worklog: drafts.worklog,
    items,
  });
}

/**
 * The tasks the master body listed, brought up to date with the issue listing (title, open or
 * closed; an issue no longer listed counts as closed). Read from the body's state marker; a body
 * without one (written before it) or with one cut or corrupted is read from its task lines.
 */
export function previousMasterItems(body: string, known: ReadonlyMap<number, GhIssue>): MasterItem[] {
  const state = readMasterState(body);
  let lines: Map<number, string> | null = null;
  // An open task's title is not in the marker: the listing has it, or else its task line as shown.
  const shownTitle = (n: number) => {
    lines ??= new Map(masterTasks(body).map((t) => [t.number, t.title]));
    return lines.get(n) ?? `#${n}`;
  };
  return (state?.items ?? masterTasks(body)).map((t) => {
    const issue = known.get(t.number);
    return {
      number: t.number,
      title: issue?.title ?? t.title ?? shownTitle(t.number),
      tier: t.tier,
      tests: t.tests,
      closed: issue ? issue.state === 'closed' : true,
    };
  });
}

/** The handler of each action kind. */
export const handlers: { [K in Kind]: Handler<K> } = {
  label: async (step, ctx, state) => {
    const { created } = await ctx.gh.ensureLabel(step.name, LABEL_COLOR, 'Filed by tdl (test-deploy-loop)');
    note(step, created ? 'done' : 'unchanged', ctx, state);
  },
  'create-master': async (step, ctx, state) => {
    const { master } = ctx.drafts;
    note(
      step,
      'done',
      ctx,
      state,
      await createIssue(ctx, state, master.fingerprint, master.title, renderMaster(ctx, [])),
    );
  },
  'reopen-master': async (step, ctx, state) => {
    note(step, 'done', ctx, state, await setState(ctx, state, step.number, 'open'));
  },
  'create-issue': async (step, ctx, state) => {
    const { child } = step;
    // Unique among open issues: another failure's open issue with this title → a fingerprint suffix.
    const taken = [...state.known.values()].some(
      (i) =>
        i.state === 'open' && i.title === child.title && readMeta(i.body)?.fingerprint !== child.fingerprint,
    );
    const issue = await createIssue(
      ctx,
      state,
      child.fingerprint,
      taken ? withFingerprint(child.title, child.fingerprint) : child.title,
      child.body.split(MASTER_REF).join(masterRef(ctx, state)),
    );
    note(step, 'done', ctx, state, issue);
  },
  'adopt-issue': async (step, ctx, state) => {
    // Filed under an older signature version: it takes this cluster's body (and so its
    // fingerprint), then gets the usual still-failing comment.
    const { child, number } = step;
    const body = child.body.split(MASTER_REF).join(masterRef(ctx, state));
    const current = state.known.get(number);
    const issue =
      current && current.body === body && current.title === child.title
        ? current
        : await ctx.gh.updateIssue(number, { title: child.title, body });
    state.known.set(number, issue);
    state.numbers.set(child.fingerprint, number);
    const { runId, worklog } = ctx.drafts;
    await commentOnce(
      ctx,
      number,
      'still-failing',
      stillFailingComment(marker(ctx, 'still-failing'), runId, child.tests.length, worklog),
    );
    note(step, 'done', ctx, state, issue);
  },
  'close-merged': async (step, ctx, state) => {
    const into = state.numbers.get(step.into);
    await commentOnce(
      ctx,
      step.number,
      'merged',
      `${marker(ctx, 'merged')}\nThe same failure as ${into ? `#${into}` : 'another issue'} under tdl's current grouping of failures (signature version ${ctx.drafts.signatureVersion ?? 1}); closing this one.`,
    );
    const issue = await setState(ctx, state, step.number, 'closed', 'not_planned');
    state.closedNow.add(step.number);
    note(step, 'done', ctx, state, issue);
  },
  'filed-by-this-run': async (step, ctx, state) => {
    note(step, 'unchanged', ctx, state, state.known.get(step.number));
  },
  'reopen-issue': async (step, ctx, state) => {
    await setState(ctx, state, step.number, 'open');
    const { runId, worklog } = ctx.drafts;
    const text = failingAgainComment(marker(ctx, 'failing-again'), runId, step.child.tests.length, worklog);
    await commentOnce(ctx, step.number, 'failing-again', text);
    await labelIfFlaky(ctx, state, step.number);
    note(step, 'done', ctx, state, state.known.get(step.number));
  },
  'comment-still-failing': async (step, ctx, state) => {
    const { runId, worklog } = ctx.drafts;
    const text = stillFailingComment(marker(ctx, 'still-failing'), runId, step.child.tests.length, worklog);
    const posted = await commentOnce(ctx, step.number, 'still-failing', text);
    note(step, posted ? 'done' : 'unchanged', ctx, state, state.known.get(step.number));
  },
  'close-resolved': async (step, ctx, state) => {
    await commentOnce(
      ctx,
      step.number,
      'resolved',
      resolvedComment(marker(ctx, 'resolved'), ctx.drafts.runId, step.tests),
    );
    const issue = await setState(ctx, state, step.number, 'closed', 'completed');
    state.closedNow.add(step.number);
    note(step, 'done', ctx, state, issue);
  },
  'closes-in-pr': async (step, ctx, state) => {
    state.closesInPr.push(step.number);
    note(step, 'done', ctx, state, state.known.get(step.number));
  },
  dedupe: async (step, ctx, state) => {
    const index = indexIssues(await ctx.gh.listIssues(ctx.label));
    let closed = 0;
    for (const [fp, list] of index) {
      const [winner, ...losers] = list.filter((x) => x.issue.state === 'open');
      if (!winner || losers.length === 0) continue;
      state.numbers.set(fp, winner.issue.number);
      for (const loser of losers) {
        await commentOnce(
          ctx,
          loser.issue.number,
          'duplicate',
          duplicateComment(marker(ctx, 'duplicate'), winner.issue.number),
        );
        await setState(ctx, state, loser.issue.number, 'closed', 'not_planned');
        closed++;
      }
    }
    note(step, closed ? 'done' : 'unchanged', ctx, state);
  },
  'update-master': async (step, ctx, state) => {
    const { drafts, gh } = ctx;
    const number = masterNumber(ctx, state);
    if (!number) return;
    const master =
      state.known.get(number) ?? (await gh.listIssues(ctx.label)).find((i) => i.number === number);
    const items = new Map<number, MasterItem>();
    for (const item of previousMasterItems(master?.body ?? '', state.known)) items.set(item.number, item);
    for (const child of drafts.children) {
      const n = state.numbers.get(child.fingerprint);
      if (n)
        items.set(n, {
          number: n,
          title: child.title,
          tier: child.tier,
          tests: child.tests.length,
          closed: false,
        });
    }
    for (const n of state.closedNow) {
      const prev = items.get(n);
      items.set(n, {
        number: n,
        title: state.known.get(n)?.title ?? prev?.title ?? `#${n}`,
        tier: prev?.tier ?? 0,
        tests: prev?.tests ?? 0,
        closed: true,
      });
    }
    // Closed issues of this playbook in all (those folded out of the body too): from the listing.
    const closedTotal = [...state.known.values()].filter((i) => {
      const meta = i.state === 'closed' ? readMeta(i.body) : null;
      return meta?.kind === 'child' && meta.playbook === drafts.playbook.hash;
    }).length;
    const body = renderMaster(ctx, [...items.values()], closedTotal, master?.url);
    const allClosed = (items.size > 0 || closedTotal > 0) && [...items.values()].every((i) => i.closed);
    if (master && master.body === body && !(allClosed && master.state === 'open')) {
      note(step, 'unchanged', ctx, state, master);
      return;
    }
    const updated = await gh.updateIssue(number, { body });
    state.known.set(number, updated);
    note(step, 'done', ctx, state, updated);
    if (allClosed && updated.state === 'open') {
      await commentOnce(
        ctx,
        number,
        'master-done',
        masterDoneComment(marker(ctx, 'master-done'), drafts.runId),
      );
      await setState(ctx, state, number, 'closed', 'completed');
      ctx.log(`closed master issue #${number}: every tracked issue is closed`);
    }
  },
  push: async (step, ctx, state) => {
    if (!ctx.git) throw new GitHubError(0, 'cannot push: no git access in this context');
    await ctx.git.push(step.pull.repoDir, step.remote, step.branch);
    note(step, 'done', ctx, state);
  },
  'open-pr': async (step, ctx, state) => {
    const { pull } = step;
    const body = pullBodyOf(pull, state);
    const pr = await exactlyOnce(
      () => ctx.gh.createPull({ head: pull.branch, base: pull.base, title: pull.title, body }),
      () => ctx.gh.findOpenPull(pull.branch, pull.base),
    );
    state.pull = { number: pr.number, url: pr.url };
    note(step, 'done', ctx, state, pr);
  },
  'update-pr': async (step, ctx, state) => {
    const { pull, current } = step;
    const body = pullBodyOf(pull, state);
    state.pull = { number: current.number, url: current.url };
    if (current.title === pull.title && current.body === body) {
      note(step, 'unchanged', ctx, state, current);
      return;
    }
    note(step, 'done', ctx, state, await ctx.gh.updatePull(step.number, { title: pull.title, body }));
  },
};

function pullBodyOf(pull: PullDraft, state: ApplyState): string {
  return pullBody({
    marker: pull.marker,
    summary: pull.summary,
    decisionTable: pull.decisionTable,
    closes: state.closesInPr,
  });
}

/** Runs the handler of one step's kind. */
export function applyStep<K extends Kind>(
  step: StepOf<K>,
  ctx: ApplyContext,
  state: ApplyState,
): Promise<void> {
  const handler: Handler<K> = handlers[step.kind];
  return handler(step, ctx, state);
}

/** The issues (master first, then this run's clusters, then those closed now) as they stand. */
export function outcomeOf(ctx: ApplyContext, state: ApplyState): PublishOutcome {
  const issues: PublishOutcome['issues'] = [];
  const mn = masterNumber(ctx, state);
  const m = mn ? state.known.get(mn) : undefined;
  if (m) issues.push({ kind: 'master', number: m.number, title: m.title, url: m.url, state: m.state });
  for (const child of ctx.drafts.children) {
    const n = state.numbers.get(child.fingerprint);
    const i = n ? state.known.get(n) : undefined;
    if (i) issues.push({ kind: 'child', number: i.number, title: i.title, url: i.url, state: i.state });
  }
  for (const n of state.closedNow) {
    const i = state.known.get(n);
    if (i) issues.push({ kind: 'child', number: i.number, title: i.title, url: i.url, state: i.state });
  }
  return { actions: state.results, issues, pull: state.pull };
}

export async function applyDrafts(
  drafts: Drafts,
  { gh, git, log = () => {} }: ApplyOptions,
): Promise<PublishOutcome> {
  const snapshot = await readSnapshot(drafts, gh);
  const ctx: ApplyContext = { drafts, gh, git, log, snapshot, label: listingLabel(drafts) };
  const steps = planActions(drafts, snapshot).map((a) => toStep(a, drafts, snapshot));
  const state = initialState(snapshot);
  for (const step of steps) await applyStep(step, ctx, state);
  return outcomeOf(ctx, state);
}

/** The plan without side effects: reads GitHub when a port is given, else plans against nothing. */
export async function dryRun(drafts: Drafts, gh: GitHubPort | null): Promise<ActionResult[]> {
  const snapshot = gh ? await readSnapshot(drafts, gh) : { issues: [], pull: null };
  return planActions(drafts, snapshot).map((a) => ({ action: describeAction(a, drafts), status: 'planned' }));
}
