/**
 * A suite that could not run (its runner is not installed: exit 127) is a failure of its own kind:
 * one cluster from the exit code and the last line of its output, an issue when publishing, and the
 * decision's reason names that cause rather than the missing report.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta } from '../../src/services/issue-markers.js';
import { nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

const TOKEN = 'ghp_couldnotrun000000000000000000000000000';
const PLAYBOOK = `name: cannot-run
suites:
${nodeSuite('unit', 1, 'test/')}  - id: go
    tier: 1
    command: [sh, -c, "tdl-no-such-go-runner test -json ./... > {reportDir}/go.json"]
    report: { format: go-json, path: "{reportDir}/go.json" }
    timeout: 30s
github:
  repo: acme/shop
  labels: [tdl]
`;

let emu: GitHubEmulator;
let project: TempProject;
let record: RunRecord;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/shop'], tokens: [TOKEN] });
  project = await tempProject({
    'tdl.yaml': PLAYBOOK,
    'test/t.test.js': PASSING_TEST,
    '.gitignore': '.tdl/\n',
  });
  const r = await tdl(project.dir, ['run', '--json', '--publish', 'github'], {
    TDL_GITHUB_API_URL: emu.url,
    TDL_GITHUB_WRITE_SPACING_MS: '0',
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: '',
  });
  expect(r.stdout, r.stderr).toMatch(/^\{/);
  record = JSON.parse(r.stdout) as RunRecord;
}, 90_000);
afterAll(async () => {
  await emu.close();
  project.cleanup();
});

describe('a suite whose command does not exist', () => {
  it('is its own cluster, named by its exit code and what it printed', () => {
    const clusters = phaseData(record, 'root-cause')!.clusters;
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.title).toMatch(
      /^suite `go` could not run: exit 127 \(`.*tdl-no-such-go-runner.*not found`\)$/,
    );
    expect(clusters[0]!.tests).toEqual([
      { suiteId: 'go', group: '', name: '(could not run)', status: 'errored' },
    ]);
  });

  it('gets an issue when publishing', () => {
    const children = emu.repo('acme/shop').issues.filter((i) => readMeta(i.body)?.kind === 'child');
    expect(children).toHaveLength(1);
    expect(children[0]!.body).toContain('could not run: exit 127');
    expect(children[0]!.title).toMatch(/Could-Not-Run-Exit-127/);
  });

  it('the decision and the worklog headline name the cause, not the missing report', () => {
    expect(record.decision?.decision).toBe('defer');
    const headline = record.decision!.reasons.join('\n');
    expect(headline).toMatch(/could not run: exit 127 \(.*not found\)/);
    const worklog = readFileSync(record.worklog!.markdown, 'utf8');
    expect(worklog).toMatch(/\*\*Decision:\*\* DEFER — .*could not run: exit 127/);
  });
});
