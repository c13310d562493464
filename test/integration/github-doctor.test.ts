/** `tdl doctor` GitHub checks against the emulator: token source (never the token) and write access. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const WRITER = `ghp_${'w'.repeat(36)}`;
const READER = `ghp_${'r'.repeat(36)}`;
let emu: GitHubEmulator;
let project: TempProject;
beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/shop'], readOnlyTokens: [READER] });
  project = await tempProject({
    'tdl.yaml': 'name: doc\nsuites:\n  - id: ok\n    command: [node, -e, "0"]\ngithub:\n  repo: acme/shop\n',
    'other.yaml':
      'name: doc\nsuites:\n  - id: ok\n    command: [node, -e, "0"]\ngithub:\n  repo: acme/nothing\n',
  });
});
afterAll(async () => {
  await emu.close();
  project.cleanup();
});

const doctor = (token: string, args: string[] = []) =>
  tdl(project.dir, ['doctor', ...args], { TDL_GITHUB_API_URL: emu.url, GITHUB_TOKEN: token, GH_TOKEN: '' });

it('a token with write access passes; the token itself is never printed', async () => {
  const r = await doctor(WRITER);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stderr).toContain('✓ GitHub token found: from GITHUB_TOKEN');
  expect(r.stderr).toContain(`✓ GitHub access to acme/shop: issues and pull requests: write (${emu.url})`);
  expect(r.stderr + r.stdout).not.toContain(WRITER);
});

it('a read-only token, an unknown repository and no token fail with their fix', async () => {
  const ro = await doctor(READER);
  expect(ro.exitCode).toBe(1);
  expect(ro.stderr).toContain('✗ GitHub access to acme/shop: read only');
  const missing = await doctor(WRITER, ['-p', 'other.yaml']);
  expect(missing.stderr).toMatch(/✗ GitHub access to acme\/nothing: GitHub reading the repository: 404/);
  const none = await doctor('');
  expect(none.stderr).toContain('✗ GitHub token found: none in GITHUB_TOKEN, GH_TOKEN or `gh auth token`');
});
