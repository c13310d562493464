/** `tdl run` and `tdl publish` as real child processes against the loopback GitHub emulator. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { FAILING_TEST, nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

const TOKEN = `ghp_${'T'.repeat(36)}`;
let emu: GitHubEmulator;
let project: TempProject;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/shop'], tokens: [TOKEN] });
  project = await tempProject({
    'tdl.yaml': `name: cli-shop\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}\ngithub:\n  repo: acme/shop\n  labels: [tdl]\n`,
    'test/unit/math.test.js': FAILING_TEST,
  });
});
afterAll(async () => {
  await emu.close();
  project.cleanup();
});

const withToken = () => ({
  TDL_GITHUB_API_URL: emu.url,
  TDL_GITHUB_WRITE_SPACING_MS: '0',
  GITHUB_TOKEN: TOKEN,
  GH_TOKEN: '',
});
const noToken = () => ({
  TDL_GITHUB_API_URL: emu.url,
  GITHUB_TOKEN: '',
  GH_TOKEN: '',
  PATH: `${process.env.PATH}`,
});
const publishData = (stdout: string) => {
  const record = JSON.parse(stdout) as RunRecord;
  return { record, data: phaseData(record, 'publish')! };
};

it('with a token: files issues on GitHub and says where the token came from (never the token)', async () => {
  const r = await tdl(project.dir, ['run', '--json'], withToken());
  expect(r.exitCode).toBe(1);
  const { record, data } = publishData(r.stdout);
  expect(data.target).toBe('github');
  expect(data.targetReason).toBe('default; token from GITHUB_TOKEN');
  expect(data.rule).toMatch(/^phase 5 decided defer: gates-passed fail/);
  const issues = emu.repo('acme/shop').issues;
  expect(issues).toHaveLength(2);
  expect(issues[0]!.title).toBe('E2E-DEPLOY-cli-shop-Master-Tracking-Issue');
  expect(issues[1]!.title).toMatch(/^E2E-DEPLOY-AssertionError-One-Is-Not-Two.*-Fails$/);
  expect(issues[1]!.body).toContain('Tracked in #1');
  const worklog = readFileSync(record.worklog!.markdown, 'utf8');
  expect(worklog).toContain('**Target:** github (default; token from GITHUB_TOKEN)');
  expect(worklog).toContain(`[#2](${emu.url}/acme/shop/issues/2)`);
  const runDir = record.runDir;
  for (const f of [record.worklog!.markdown, record.worklog!.json, join(runDir, 'run.log')])
    expect(readFileSync(f, 'utf8')).not.toContain(TOKEN);
  expect(r.stderr).not.toContain(TOKEN);
});

it('without a token: drafts go to the outbox; tdl publish sends them once', async () => {
  const before = emu.repo('acme/shop').issues.map((i) => i.comments.length);
  const r = await tdl(project.dir, ['run', '--json'], noToken());
  expect(r.exitCode).toBe(1);
  const { record, data } = publishData(r.stdout);
  expect(data.target).toBe('outbox');
  expect(data.targetReason).toMatch(/no GitHub token found/);
  const outbox = join(record.runDir, 'outbox');
  expect(readdirSync(outbox).sort()).toEqual(['publish.json', 'publish.md']);
  expect(emu.repo('acme/shop').issues.map((i) => i.comments.length)).toEqual(before);

  const dry = await tdl(project.dir, ['publish', record.runId, '--dry-run'], withToken());
  expect(dry.exitCode).toBe(0);
  expect(dry.stderr).toMatch(/would comment on #2 \(still failing/);
  const sent = await tdl(project.dir, ['publish', record.runId], withToken());
  expect(sent.exitCode, sent.stderr).toBe(0);
  expect(existsSync(join(outbox, 'sent.json'))).toBe(true);
  const child = emu.repo('acme/shop').issues[1]!;
  expect(child.comments).toHaveLength(1);
  expect(child.comments[0]!.body).toContain(`Still failing in run \`${record.runId}\``);
  const writes = emu.log.filter((l) => l.method !== 'GET').length;
  const again = await tdl(project.dir, ['publish', record.runId], withToken());
  expect(again.exitCode).toBe(0);
  expect(emu.log.filter((l) => l.method !== 'GET').length).toBe(writes);
  expect(emu.repo('acme/shop').issues).toHaveLength(2);
});

it('--publish github without a token is a usage error; --publish none skips the phase', async () => {
  const r = await tdl(project.dir, ['run', '--publish', 'github'], noToken());
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(/--publish github needs a GitHub token/);
  const none = await tdl(project.dir, ['run', '--json', '--publish', 'none'], noToken());
  const publish = (JSON.parse(none.stdout) as RunRecord).phases.find((p) => p.id === 'publish')!;
  expect(publish).toMatchObject({ state: 'skipped', reason: 'publishing disabled (--publish none)' });
});

it('tdl publish of a run whose record.json is torn: exit 2 naming the file, nothing sent', async () => {
  const r = await tdl(project.dir, ['run', '--json'], noToken());
  const { record } = publishData(r.stdout);
  const file = join(record.runDir, 'record.json');
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
  const writes = emu.log.filter((l) => l.method !== 'GET').length;
  const sent = await tdl(project.dir, ['publish', record.runId], withToken());
  expect(sent.exitCode).toBe(2);
  expect(sent.stderr).toContain(`${file}: not valid JSON`);
  expect(sent.stderr).not.toMatch(/\n\s+at /);
  expect(emu.log.filter((l) => l.method !== 'GET').length).toBe(writes);
});
