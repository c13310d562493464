/**
 * The master issue with 5,000 lifetime clusters (issue 13 point 6), through the real octokit client
 * against the loopback emulator (which rejects a body over 65,536 characters as GitHub does): a
 * repository holding 4,998 closed issues of the playbook, and a master body as an earlier version
 * left it (hundreds of ticked tasks). The next publish keeps the open tasks, ticks the recent closed
 * ones, folds the rest into a count with a link, and stays under the limit.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GitHubPort } from '../../src/adapters/github/port.js';
import { applyDrafts } from '../../src/phases/6-publish/apply.js';
import { GITHUB_BODY_LIMIT, MASTER_CLOSED_SHOWN, masterTasks } from '../../src/phases/6-publish/bodies.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { issueMarkers, playbookHash, readMeta } from '../../src/services/issue-markers.js';
import { draftsFor, portFor, REPO, recordWith } from './github-fixtures.js';

const LIFETIME = 5000;
let emu: GitHubEmulator;
let gh: GitHubPort;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: [REPO] });
  gh = await portFor(emu);
});
afterAll(async () => {
  await emu.close();
});

it(`${LIFETIME} lifetime clusters: the master body stays under the limit, closed ones folded`, async () => {
  // Run 1 files the master and one child.
  await applyDrafts(
    draftsFor(recordWith('tdl-20260101-000000-aaaaaa', [{ name: 'first', message: 'boom one' }]), emu),
    {
      gh,
      git: null,
    },
  );
  const repo = emu.repo(REPO);
  const master = repo.issues.find((i) => readMeta(i.body)?.kind === 'master')!;
  expect(master).toBeTruthy();
  // Then, as if many nights had passed: 4,998 more clusters, all closed since.
  const now = new Date().toISOString();
  const pb = playbookHash('shop-staging');
  const oldTasks: string[] = [];
  for (let k = 0; k < LIFETIME - 2; k++) {
    const number = repo.issues.length + 1;
    const title = `E2E-DEPLOY-Expected-Status-Got-Checkout-Flow-${String(k).padStart(5, '0')}`;
    repo.issues.push({
      number,
      title,
      body: `${issueMarkers({ fingerprint: k.toString(16).padStart(16, '0'), playbook: pb, kind: 'child', tests: [k.toString(16).padStart(12, '0')], run: 'tdl-20250101-000000-bbbbbb' })}\nold`,
      state: 'closed',
      state_reason: 'completed',
      labels: ['tdl', 'e2e'],
      comments: [],
      created_at: now,
      updated_at: now,
    });
    if (k >= LIFETIME - 2 - 600) oldTasks.push(`- [x] #${number} \`${title}\` — tier 1, 1 test(s)`);
  }
  // The earlier version's master body: its open task and the last 600 closed ones (about 58 KB).
  const openTask = master.body.split('\n').find((l) => l.startsWith('- [ ]'))!;
  master.body = master.body.replace(openTask, [openTask, ...oldTasks].join('\n'));
  expect(master.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);

  // Run 2: a new failure: one more cluster (the 5,000th), and the master is rewritten.
  const out = await applyDrafts(
    draftsFor(
      recordWith('tdl-20260301-000000-cccccc', [
        { name: 'first', message: 'boom one' },
        { name: 'second', message: 'a different cause entirely' },
      ]),
      emu,
    ),
    { gh, git: null },
  );
  const update = out.actions.find((a) => a.action.startsWith('update the master issue'));
  expect(update?.status, JSON.stringify(out.actions.slice(-3))).toBe('done');
  const body = repo.issues.find((i) => i.number === master.number)!.body;
  expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
  const tasks = masterTasks(body);
  expect(tasks.filter((t) => !t.closed)).toHaveLength(2);
  expect(tasks.filter((t) => t.closed)).toHaveLength(MASTER_CLOSED_SHOWN);
  expect(body).toContain(
    `- **Closed earlier:** ${LIFETIME - 2 - MASTER_CLOSED_SHOWN} issue(s) ([all closed](`,
  );
  expect(repo.issues.filter((i) => readMeta(i.body)?.kind === 'child')).toHaveLength(LIFETIME);
  // Every task line is whole.
  for (const line of body.split('\n').filter((l) => l.startsWith('- [')))
    expect(line).toMatch(/^- \[[ x]\] #\d+ `[^`]+` — tier \d+, \d+ test\(s\)$/);
}, 120_000);
