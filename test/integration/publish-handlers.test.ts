/**
 * Phase 6's action handlers one at a time (issue 19 point 4), each given an explicit state and
 * checked for what it sends to GitHub (real octokit, loopback emulator) and what it leaves in the
 * state; the whole walk is covered by github-publish.test.ts and the other publish tests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubPort } from '../../src/adapters/github/port.js';
import {
  type ApplyContext,
  type ApplyState,
  applyStep,
  handlers,
  initialState,
  readSnapshot,
  toStep,
} from '../../src/phases/6-publish/apply.js';
import { type MasterItem, masterBody, masterTasks } from '../../src/phases/6-publish/bodies.js';
import type { Drafts } from '../../src/phases/6-publish/drafts.js';
import { type EmuIssue, type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { issueMarkers, readMasterState } from '../../src/services/issue-markers.js';
import { draftsFor, portFor, REPO, recordWith } from './github-fixtures.js';

const RUN = 'tdl-20260201-000000-bbbbbb';
let emu: GitHubEmulator;
let gh: GitHubPort;
beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: [REPO] });
  gh = await portFor(emu);
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.faults = null;
  emu.log.length = 0;
});

const drafts = (tests = [{ name: 'a', message: 'boom' }, { name: 'fixed' }]) =>
  draftsFor(recordWith(RUN, tests), emu);

function seed(
  d: Drafts,
  kind: 'child' | 'master',
  fp: string,
  body: string,
  state: 'open' | 'closed' = 'open',
) {
  const repo = emu.repo(REPO);
  const now = new Date().toISOString();
  const issue: EmuIssue = {
    number: repo.issues.length + 1,
    title: kind === 'master' ? d.master.title : `Child-${repo.issues.length + 1}`,
    body: `${issueMarkers({ fingerprint: fp, playbook: d.playbook.hash, kind, tests: kind === 'child' ? d.passed : [], run: 'tdl-20260101-000000-aaaaaa' })}\n${body}`,
    state,
    state_reason: state === 'closed' ? 'completed' : null,
    labels: ['tdl', 'e2e'],
    comments: [],
    created_at: now,
    updated_at: now,
  };
  repo.issues.push(issue);
  return issue;
}

/** A context and a fresh state read from what the emulator holds now. */
async function start(d: Drafts): Promise<{ ctx: ApplyContext; state: ApplyState; lines: string[] }> {
  const lines: string[] = [];
  const snapshot = await readSnapshot(d, gh);
  emu.log.length = 0;
  return {
    ctx: { drafts: d, gh, git: null, log: (l) => lines.push(l), snapshot, label: 'tdl' },
    state: initialState(snapshot),
    lines,
  };
}

const writes = () => emu.log.filter((r) => r.method !== 'GET');

describe('publish handlers, one at a time', () => {
  it('closes-in-pr and filed-by-this-run only record, and send nothing', async () => {
    const d = drafts();
    const child = seed(d, 'child', d.children[0]?.fingerprint ?? '', 'filed earlier');
    const { ctx, state, lines } = await start(d);
    await handlers['closes-in-pr']({ kind: 'closes-in-pr', number: child.number }, ctx, state);
    await handlers['filed-by-this-run'](
      { kind: 'filed-by-this-run', fingerprint: d.children[0]?.fingerprint ?? '', number: child.number },
      ctx,
      state,
    );
    expect(emu.log).toEqual([]);
    expect(state.closesInPr).toEqual([child.number]);
    expect(state.results.map((r) => [r.status, r.number])).toEqual([
      ['done', child.number],
      ['unchanged', child.number],
    ]);
    expect(lines[1]).toMatch(/^unchanged: keep #1 \(filed by this run already/);
  });

  it('close-resolved comments once, closes as completed and records the issue as closed now', async () => {
    const d = drafts([{ name: 'fixed' }]);
    const child = seed(d, 'child', '00000000000000aa', 'its tests pass now');
    for (let round = 0; round < 2; round++) {
      const { ctx, state } = await start(d);
      await applyStep({ kind: 'close-resolved', number: child.number, tests: 1 }, ctx, state);
      expect([...state.closedNow]).toEqual([child.number]);
      expect(state.known.get(child.number)?.state).toBe('closed');
      expect(state.results[0]?.status).toBe('done');
    }
    expect(child.state).toBe('closed');
    expect(child.state_reason).toBe('completed');
    // The second round found its comment (same run, same kind) and did not post it again.
    expect(child.comments.map((c) => c.body.split('\n')[0])).toEqual([
      `<!-- tdl:comment=${RUN}:resolved -->`,
    ]);
  });

  it('update-master reads a body without marker from its task lines, then its own marker: unchanged', async () => {
    const d = drafts();
    const open = seed(d, 'child', '00000000000000b1', 'still open');
    const closed = seed(d, 'child', '00000000000000b2', 'closed since', 'closed');
    const items: MasterItem[] = [
      { number: open.number, title: open.title, tier: 1, tests: 2, closed: false },
      { number: closed.number, title: closed.title, tier: 2, tests: 1, closed: false },
    ];
    const oldBody = masterBody({
      markers: '',
      playbook: 'shop-staging',
      runId: 'tdl-20260101-000000-aaaaaa',
      rule: 'r',
      summary: 's',
      worklog: 'w',
      items,
    }).replace(/<!-- tdl:master-state [^\n]*$/, '');
    const master = seed(d, 'master', d.master.fingerprint, oldBody);
    expect(readMasterState(master.body)).toBeNull();

    const first = await start(d);
    await applyStep({ kind: 'update-master' }, first.ctx, first.state);
    expect(first.state.results.map((r) => r.status)).toEqual(['done']);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/${REPO}/issues/${master.number}`,
    ]);
    const state = readMasterState(master.body);
    expect(state?.items.map((i) => [i.number, i.closed])).toEqual([
      [open.number, false],
      [closed.number, true],
    ]);
    expect(state?.closedTotal).toBe(1);
    expect(masterTasks(master.body).map((t) => [t.number, t.closed])).toEqual([
      [open.number, false],
      [closed.number, true],
    ]);

    // The next publish reads the marker it wrote: nothing to change, nothing sent.
    const second = await start(d);
    await applyStep({ kind: 'update-master' }, second.ctx, second.state);
    expect(second.state.results.map((r) => r.status)).toEqual(['unchanged']);
    expect(writes()).toEqual([]);
  });

  it('a plan step whose cluster or pull request is missing is an internal error named plainly', async () => {
    const d = drafts();
    const snapshot = { issues: [], pull: null };
    expect(() => toStep({ kind: 'create-issue', fingerprint: 'ffffffffffffffff' }, d, snapshot)).toThrow(
      /publish plan: create issue "ffffffffffffffff": no cluster ffffffffffffffff in the drafts/,
    );
    expect(() => toStep({ kind: 'update-pr', number: 4 }, d, snapshot)).toThrow(
      /no pull request in the drafts/,
    );
    const fp = d.children[0]?.fingerprint ?? '';
    expect(toStep({ kind: 'reopen-issue', fingerprint: fp, number: 2 }, d, snapshot)).toMatchObject({
      child: { fingerprint: fp },
    });
  });
});
