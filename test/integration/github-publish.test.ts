/** Phase 6 through the real octokit against the loopback GitHub emulator: issues, master, reruns, fixes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyDrafts } from '../../src/phases/6-publish/apply.js';
import { GITHUB_BODY_LIMIT } from '../../src/phases/6-publish/bodies.js';
import { writeOutbox } from '../../src/phases/6-publish/outbox.js';
import { sendOutbox } from '../../src/phases/6-publish/send.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta } from '../../src/services/issue-markers.js';
import { Redactor } from '../../src/telemetry/redact.js';
import { draftsFor, type FakeTest, outsideCode, portFor, REPO, recordWith } from './github-fixtures.js';

let emu: GitHubEmulator;
beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: [REPO] });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.faults = null;
  emu.log.length = 0;
});

const FAILING: FakeTest[] = [
  { name: 'sends tool_name', message: 'missing field "tool_name"' },
  { name: 'sends results', message: 'missing field "tool_name"' },
  { suite: 'api', name: 'health', message: 'expected 200, got 503' },
  { name: 'connects' },
  { suite: 'api', name: 'lists' },
];

async function publish(runId: string, tests: FakeTest[]) {
  const gh = await portFor(emu);
  return applyDrafts(draftsFor(recordWith(runId, tests), emu), { gh, git: null });
}

const issues = () => emu.repo(REPO).issues.filter((i) => !i.pull);
const master = () => issues().find((i) => readMeta(i.body)?.kind === 'master')!;
const children = () => issues().filter((i) => readMeta(i.body)?.kind === 'child');

describe('publish to GitHub (emulator, real octokit)', () => {
  it('files one issue per failure cluster and a master that links them, with labels created', async () => {
    const out = await publish('tdl-20260101-000000-aaaaaa', FAILING);
    expect(children()).toHaveLength(2); // two distinct error signatures
    const m = master();
    for (const c of children()) {
      expect(c.body).toContain(`Tracked in #${m.number}`);
      expect(m.body).toContain(`- [ ] #${c.number} `);
      expect(c.labels).toEqual(['tdl', 'e2e']);
      expect(c.title).toMatch(/^E2E-DEPLOY-/);
      expect(c.body).toContain('tdl-20260101-000000-aaaaaa');
    }
    expect(children().find((c) => c.title.includes('Tool-Name'))!.body).toContain('sends results');
    // Tier 1 (critical) before tier 2 (api) in the dependency order.
    const [first, second] = [...m.body.matchAll(/- \[ \] #(\d+)/g)].map((x) => Number(x[1]));
    expect(issues().find((i) => i.number === first)!.title).toContain('Tool-Name');
    expect(issues().find((i) => i.number === second)!.title).toContain('Expected-200');
    expect(m.body).toContain(`#${first} → #${second}`);
    expect([...emu.repo(REPO).labels.values()].map((l) => [l.name, l.description])).toEqual([
      ['tdl', 'Filed by tdl (test-deploy-loop)'],
      ['e2e', 'Filed by tdl (test-deploy-loop)'],
    ]);
    expect(out.issues.map((i) => i.kind)).toEqual(['master', 'child', 'child']);
  });

  it('a rerun comments on the open issues and files nothing new; the same run twice comments once', async () => {
    await publish('tdl-20260101-000000-aaaaaa', FAILING);
    const before = issues().length;
    await publish('tdl-20260102-000000-bbbbbb', FAILING);
    await publish('tdl-20260102-000000-bbbbbb', FAILING); // resumed or re-sent: no second comment
    expect(issues()).toHaveLength(before);
    for (const c of children()) {
      expect(c.comments).toHaveLength(1);
      expect(c.comments[0]!.body).toMatch(/Still failing in run `tdl-20260102-000000-bbbbbb`: \d test/);
    }
    expect(master().body).toContain('tdl-20260102-000000-bbbbbb');
  });

  it('a fix closes the issue with a comment and ticks it in the master; all fixed closes the master', async () => {
    await publish('tdl-20260101-000000-aaaaaa', FAILING);
    const fixedApi = FAILING.map((t) => (t.suite === 'api' ? { ...t, message: undefined } : t));
    await publish('tdl-20260103-000000-cccccc', fixedApi);
    const api = children().find((c) => c.title.includes('Expected-200'))!;
    expect(api.state).toBe('closed');
    expect(api.comments.at(-1)!.body).toContain(
      'Resolved: all 1 test(s) of this issue passed in run `tdl-20260103-000000-cccccc`',
    );
    expect(master().body).toContain(`- [x] #${api.number} `);
    expect(master().state).toBe('open');
    const allGreen = FAILING.map((t) => ({ ...t, message: undefined }));
    await publish('tdl-20260104-000000-dddddd', allGreen);
    expect(children().every((c) => c.state === 'closed')).toBe(true);
    expect(master().state).toBe('closed');
    expect(issues()).toHaveLength(3);
    // Failing again later: the same issue is reopened, not a new one.
    await publish('tdl-20260105-000000-eeeeee', FAILING);
    expect(issues()).toHaveLength(3);
    expect(children().every((c) => c.state === 'open')).toBe(true);
    expect(master().state).toBe('open');
  });

  it('tests not run are not resolved: an issue stays open when its tests were skipped', async () => {
    await publish('tdl-20260101-000000-aaaaaa', FAILING);
    await publish(
      'tdl-20260103-000000-cccccc',
      FAILING.filter((t) => t.suite !== 'api'),
    );
    expect(children().every((c) => c.state === 'open')).toBe(true);
  });

  it('text from tests never pings or links, and bodies stay under the limit with their links', async () => {
    const noisy = 'boom @octocat see #123 ``` still fenced';
    const huge = `${'x'.repeat(300)}\n`.repeat(800) + '@hubot #77';
    const gh = await portFor(emu);
    await applyDrafts(
      draftsFor(
        recordWith('tdl-20260101-000000-aaaaaa', [{ name: 'pings @admin #9', message: noisy }], {}, huge),
        emu,
      ),
      {
        gh,
        git: null,
      },
    );
    const child = children()[0]!;
    expect(child.body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(child.body).toContain('@octocat');
    const rendered = outsideCode(child.body);
    for (const s of ['@octocat', '#123', '@admin', '#9', '@hubot', '#77']) expect(rendered).not.toContain(s);
    expect(child.body).toContain(`Tracked in #${master().number}`);
    expect(readMeta(child.body)?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('two runs racing leave exactly one open issue per fingerprint', async () => {
    const [a, b] = [await portFor(emu), await portFor(emu)];
    await Promise.all([
      applyDrafts(draftsFor(recordWith('tdl-20260101-000000-aaaaaa', FAILING), emu), { gh: a, git: null }),
      applyDrafts(draftsFor(recordWith('tdl-20260101-000001-bbbbbb', FAILING), emu), { gh: b, git: null }),
    ]);
    const open = issues().filter((i) => i.state === 'open');
    const fps = open.map((i) => readMeta(i.body)!.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
    expect(open).toHaveLength(3);
    console.log(
      `race: ${issues().length} issues created, ${issues().length - open.length} closed as duplicates, ${open.length} open`,
    );
  });

  it('a run that crashed after filing some issues, when resumed, files only the missing ones', async () => {
    let creates = 0;
    // The third issue creation and everything after it fail: the master and one child exist.
    emu.faults = ({ method, path }) =>
      method === 'POST' && path.endsWith('/issues') && ++creates >= 3
        ? { kind: 'status', status: 500 }
        : null;
    const gh = await portFor(emu, {});
    const drafts = draftsFor(recordWith('tdl-20260101-000000-aaaaaa', FAILING), emu);
    await expect(applyDrafts(drafts, { gh, git: null })).rejects.toThrow(/GitHub creating an issue: 500/);
    expect(issues()).toHaveLength(2);
    emu.faults = null;
    await applyDrafts(drafts, { gh, git: null });
    expect(issues()).toHaveLength(3);
    const fps = issues().map((i) => readMeta(i.body)!.fingerprint);
    expect(new Set(fps).size).toBe(3);
    expect(children().every((c) => c.comments.length === 0)).toBe(true);
    for (const c of children()) expect(master().body).toContain(`- [ ] #${c.number} `);
  });

  it('the emulator rejects what GitHub rejects', async () => {
    const post = (body: unknown, auth = true) =>
      fetch(`${emu.url}/repos/${REPO}/issues`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: 'token t' } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post({ title: 'x' }, false)).status).toBe(401);
    expect((await post({ title: 'x', colour: 'red' })).status).toBe(422);
    expect((await post({ title: 'x', body: 'y'.repeat(GITHUB_BODY_LIMIT + 1) })).status).toBe(422);
    expect((await post({ title: 'x' })).status).toBe(201);
  });

  it('outbox, then publish, gives the same result as publishing directly', async () => {
    const record = recordWith('tdl-20260101-000000-aaaaaa', FAILING);
    const drafts = draftsFor(record, emu);
    await applyDrafts(drafts, { gh: await portFor(emu), git: null });
    const direct = JSON.stringify(emu.repo(REPO).issues);
    emu.reset();
    const stateDir = mkdtempSync(join(tmpdir(), 'tdl-outbox-'));
    try {
      writeOutbox(join(stateDir, 'runs', record.runId), drafts, [], new Redactor());
      const send = () =>
        sendOutbox({
          runId: record.runId,
          stateDir,
          env: { GITHUB_TOKEN: 'test-token' },
          dryRun: false,
          github: () => portFor(emu),
        });
      await send();
      const strip = (s: string) => s.replace(/"(created_at|updated_at)":"[^"]*"/g, '');
      expect(strip(JSON.stringify(emu.repo(REPO).issues))).toBe(strip(direct));
      const writes = emu.log.filter((l) => l.method !== 'GET').length;
      await send(); // idempotent: nothing new
      expect(strip(JSON.stringify(emu.repo(REPO).issues))).toBe(strip(direct));
      expect(emu.log.filter((l) => l.method !== 'GET').length).toBe(writes);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
