/**
 * Phases 1 and 3 read GitHub through the real octokit port against the loopback emulator: the open
 * issue carrying a cluster's fingerprint (phase 3's evidence chain) and the open issues with the
 * playbook label (phase 1's context). Reads never fail a run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhaseId, RunRecord } from '../../src/core/record.js';
import { phaseResult } from '../../src/phase-data/index.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta } from '../../src/services/issue-markers.js';
import { nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

const TOKEN = `ghp_${'C'.repeat(36)}`;
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('passes', () => assert.ok(true));
test('totals', () => assert.equal(1, 2, 'one is not two'));
test('names', () => assert.equal('a', 'b', 'names differ'));
`;
const playbook = (repo: string) =>
  `name: ctx-shop\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}\ngithub:\n  repo: ${repo}\n  labels: [tdl]\n`;

let emu: GitHubEmulator;
let project: TempProject;
let filed: RunRecord;

const withToken = () => ({
  TDL_GITHUB_API_URL: emu.url,
  TDL_GITHUB_WRITE_SPACING_MS: '0',
  GITHUB_TOKEN: TOKEN,
  GH_TOKEN: '',
});
const noToken = () => ({ TDL_GITHUB_API_URL: emu.url, GITHUB_TOKEN: '', GH_TOKEN: '' });
const run = async (args: string[], env: Record<string, string>) => {
  const r = await tdl(project.dir, ['run', '--json', ...args], env);
  expect(r.stdout, r.stderr).toMatch(/^\{/);
  return JSON.parse(r.stdout) as RunRecord;
};
const phase = <I extends PhaseId>(r: RunRecord, id: I) => phaseResult(r, id)!;
const githubLinks = (r: RunRecord) =>
  phase(r, 'root-cause').data!.clusters.map((c) => ({
    title: c.title,
    link: c.evidence!.find((l) => l.kind === 'github-issue')!,
  }));
const listings = () =>
  emu.log.filter((l) => l.method === 'GET' && l.path === '/repos/acme/shop/issues').length;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/shop'], tokens: [TOKEN] });
  project = await tempProject({ 'tdl.yaml': playbook('acme/shop'), 'test/unit/t.test.js': TESTS });
  // The first run files one issue per cluster (phase 6); phase 3 ran before them.
  filed = await run([], withToken());
}, 90_000);
afterAll(async () => {
  await emu.close();
  project.cleanup();
});

const children = () =>
  emu
    .repo('acme/shop')
    .issues.filter((i) => !i.pull && readMeta(i.body)?.kind === 'child')
    .map((i) => ({ ...i, fingerprint: readMeta(i.body)!.fingerprint }));

describe('phase 3: the open issue carrying the cluster fingerprint', () => {
  it('before any issue exists: unknown, because no open issue carried the fingerprint yet', () => {
    expect(children()).toHaveLength(2);
    for (const { link } of githubLinks(filed)) {
      expect(link.value).toBeNull();
      expect(link.unknownBecause).toBe('no open issue carried this fingerprint before phase 6 of this run');
      expect(link.source).toMatch(/^GitHub acme\/shop, issues labelled `tdl` \(token from GITHUB_TOKEN\)/);
    }
  });

  it('names the issue phase 6 filed for that cluster, with its URL, listing issues once for all clusters', async () => {
    emu.log.length = 0;
    const r = await run(['--only', 'run-tests,root-cause'], withToken());
    expect(listings()).toBe(1); // two clusters, one listing
    const links = githubLinks(r);
    expect(links).toHaveLength(2);
    for (const { title, link } of links) {
      const issue = children().find((i) => link.source.includes(`tdl:fingerprint=${i.fingerprint}`))!;
      expect(issue, `no issue with the fingerprint named in ${link.source}`).toBeDefined();
      expect(issue.title.toLowerCase()).toContain(
        title.includes('one is not two') ? 'one-is-not-two' : 'names-differ',
      );
      expect(link.value).toBe(`#${issue.number} ${issue.title}`);
      expect(link.href).toBe(`${emu.url}/acme/shop/issues/${issue.number}`);
    }
    const md = readFileSync(r.worklog!.markdown, 'utf8');
    expect(md).toContain(`[${links[0]!.link.value}](${links[0]!.link.href})`);
  });

  it('a closed issue is not an open one', async () => {
    const [first] = children();
    emu.repo('acme/shop').issues.find((i) => i.number === first!.number)!.state = 'closed';
    try {
      const r = await run(['--only', 'run-tests,root-cause'], withToken());
      const closed = githubLinks(r).find(({ link }) => link.source.includes(first!.fingerprint))!;
      expect(closed.link).toMatchObject({
        value: null,
        unknownBecause: 'no open issue carried this fingerprint before phase 6 of this run',
      });
    } finally {
      emu.repo('acme/shop').issues.find((i) => i.number === first!.number)!.state = 'open';
    }
  });

  it('without a token: unknown with the reason, and no request to GitHub', async () => {
    emu.log.length = 0;
    const r = await run(['--only', 'run-tests,root-cause'], noToken());
    expect(emu.log).toHaveLength(0);
    for (const { link } of githubLinks(r))
      expect(link).toMatchObject({
        value: null,
        unknownBecause:
          'this run publishes to the outbox, not GitHub (default; no GitHub token found (GITHUB_TOKEN, GH_TOKEN, gh auth token))',
      });
  });

  it('a failed lookup leaves phase 3 completed, the link unknown with the reason', async () => {
    project.write('tdl.yaml', playbook('acme/missing'));
    try {
      const r = await run(['--only', 'run-tests,root-cause'], withToken());
      expect(phase(r, 'root-cause').state).toBe('completed');
      for (const { link } of githubLinks(r)) {
        expect(link.value).toBeNull();
        expect(link.unknownBecause).toMatch(
          /^reading GitHub acme\/missing failed: GitHub listing issues: 404/,
        );
      }
    } finally {
      project.write('tdl.yaml', playbook('acme/shop'));
    }
  });
});

describe('phase 1: open issues with the playbook label, and the previous run', () => {
  const select = (r: RunRecord) => phase(r, 'select-tests').data!;

  it('reads the open issues through the GitHub port and lists them in the worklog', async () => {
    expect(select(filed).openIssues).toEqual([]); // read before phase 6 filed any
    const r = await run(['--only', 'select-tests'], withToken());
    const data = select(r);
    const open = emu.repo('acme/shop').issues.filter((i) => i.state === 'open' && !i.pull);
    expect(open).toHaveLength(3); // the master and two children
    expect(data.openIssues).toEqual(
      open.map((i) => ({ number: i.number, title: i.title, url: `${emu.url}/acme/shop/issues/${i.number}` })),
    );
    expect(data.openIssuesNote).toBe('GitHub acme/shop, issues labelled `tdl` (token from GITHUB_TOKEN)');
    const md = readFileSync(r.worklog!.markdown, 'utf8');
    expect(md).toContain(
      'Open issues (3; GitHub acme/shop, issues labelled `tdl` (token from GITHUB_TOKEN)):',
    );
    for (const i of open)
      expect(md).toContain(`- [#${i.number}](${emu.url}/acme/shop/issues/${i.number}) ${i.title}`);
    expect(data.previous).toMatchObject({ failing: 2 });
    expect(md).toMatch(
      /Previous run: `tdl-[\w-]+` \([^)]+\), decision: \w+, 2 failing test\(s\), worklog \[/,
    );
  });

  it('leaves closed issues out', async () => {
    const child = children()[0]!;
    emu.repo('acme/shop').issues.find((i) => i.number === child.number)!.state = 'closed';
    try {
      const data = select(await run(['--only', 'select-tests'], withToken()));
      expect(data.openIssues!.map((i) => i.number)).not.toContain(child.number);
      expect(data.openIssues).toHaveLength(2);
    } finally {
      emu.repo('acme/shop').issues.find((i) => i.number === child.number)!.state = 'open';
    }
  });

  it('says why not without a token, and a read error is a note: the phase completes', async () => {
    const none = select(await run(['--only', 'select-tests'], noToken()));
    expect(none.openIssues).toBeNull();
    expect(none.openIssuesNote).toMatch(
      /^open issues not read: this run publishes to the outbox, not GitHub/,
    );
    emu.faults = (req) => (req.method === 'GET' ? { kind: 'status', status: 422 } : null);
    try {
      const r = await run(['--only', 'select-tests'], withToken());
      expect(phase(r, 'select-tests').state).toBe('completed');
      expect(select(r).openIssues).toBeNull();
      expect(select(r).openIssuesNote).toMatch(
        /^open issues not read: reading GitHub acme\/shop failed: GitHub listing issues: 422 Validation Failed/,
      );
      expect(readFileSync(r.worklog!.markdown, 'utf8')).toContain(
        'Open issues: open issues not read: reading GitHub',
      );
    } finally {
      emu.faults = null;
    }
  });
});
