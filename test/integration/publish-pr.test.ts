/** Proceed with a change: a real git repository pushes to a local bare remote; the PR is opened once, then updated. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGitPort } from '../../src/adapters/git/index.js';
import { applyDrafts } from '../../src/phases/6-publish/apply.js';
import { buildDrafts } from '../../src/phases/6-publish/drafts.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { Redactor } from '../../src/telemetry/redact.js';
import { draftsFor, github, portFor, REPO, recordWith } from './github-fixtures.js';
import { tempProject } from './helpers.js';

let emu: GitHubEmulator;
const temps: string[] = [];
beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: [REPO] });
});
afterAll(async () => {
  await emu.close();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

it('pushes the branch and opens a PR that closes the fixed issues; a rerun updates it; a resend changes nothing', async () => {
  const project = await tempProject({ 'app.js': 'export const x = 1;\n' });
  temps.push(project.dir);
  const bare = mkdtempSync(join(tmpdir(), 'tdl-bare-'));
  temps.push(bare);
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project.dir });
  await execa('git', ['init', '-q', '--bare', bare]);
  await git('remote', 'add', 'origin', bare);
  await git('push', '-q', 'origin', 'main');
  await git('checkout', '-q', '-b', 'fix/tool-events');
  project.write('app.js', 'export const x = 2;\n');
  await git('commit', '-qam', 'fix tool events');

  // An earlier run filed an issue for a failure that this branch fixes.
  const failing = [{ name: 'sends tool_name', message: 'missing field "tool_name"' }, { name: 'connects' }];
  await applyDrafts(draftsFor(recordWith('tdl-20260101-000000-aaaaaa', failing), emu), {
    gh: await portFor(emu),
    git: null,
  });
  const filed = emu.repo(REPO).issues.filter((i) => i.title.includes('Tool-Name'))[0]!;

  const ports = createGitPort();
  const facts = async () => {
    const ab = await ports.aheadBehind(project.dir, 'main', 'origin');
    return {
      branch: await ports.currentBranch(project.dir),
      ahead: ab?.ahead ?? null,
      baseRef: ab?.baseRef ?? null,
    };
  };
  const green = failing.map((t) => ({ name: t.name }));
  const draftsAt = async (runId: string) =>
    buildDrafts({
      record: recordWith(runId, green, {
        repo: { dir: project.dir, commit: null, branch: 'fix/tool-events', dirty: false },
      }),
      github: github(),
      git: await facts(),
      apiUrl: emu.url,
      redactor: new Redactor(),
    });
  const first = await draftsAt('tdl-20260102-000000-bbbbbb');
  expect(first.route).toBe('proceed-change');
  const out = await applyDrafts(first, { gh: await portFor(emu), git: ports });
  const head = (await git('rev-parse', 'HEAD')).stdout.trim();
  expect(
    (await execa('git', ['--git-dir', bare, 'rev-parse', 'refs/heads/fix/tool-events'])).stdout.trim(),
  ).toBe(head);
  const pulls = () => emu.repo(REPO).issues.filter((i) => i.pull);
  expect(pulls()).toHaveLength(1);
  const pr = pulls()[0]!;
  expect(pr.pull).toEqual({ head: 'fix/tool-events', base: 'main' });
  expect(pr.body).toContain('## Executive summary');
  expect(pr.body).toContain('## Decision');
  expect(pr.body).toContain(`Closes #${filed.number}`);
  expect(filed.state).toBe('open'); // closed by merging the PR, not by tdl
  expect(out.pull?.number).toBe(pr.number);

  // A later run on a new commit: the branch is pushed again and the same PR is updated.
  project.write('app.js', 'export const x = 3;\n');
  await git('commit', '-qam', 'tidy');
  const second = await draftsAt('tdl-20260103-000000-cccccc');
  await applyDrafts(second, { gh: await portFor(emu), git: ports });
  expect(pulls()).toHaveLength(1);
  expect(pulls()[0]!.body).toContain('tdl-20260103-000000-cccccc');
  expect(
    (await execa('git', ['--git-dir', bare, 'rev-parse', 'refs/heads/fix/tool-events'])).stdout.trim(),
  ).toBe((await git('rev-parse', 'HEAD')).stdout.trim());

  // The same drafts sent again: the unchanged body is not re-sent.
  const patches = () => emu.log.filter((l) => l.method === 'PATCH' && l.path.includes('/pulls/')).length;
  const before = patches();
  const again = await applyDrafts(second, { gh: await portFor(emu), git: ports });
  expect(patches()).toBe(before);
  expect(again.actions.find((a) => a.action.startsWith('update pull request'))?.status).toBe('unchanged');
  expect(pulls()).toHaveLength(1);
});
