import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { FAILING_TEST, nodeSuite, type TempProject, tempProject } from './helpers.js';

const ACTION = resolve(import.meta.dirname, '../../dist/cli/action.js');

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: action-it\nsuites:\n${nodeSuite('unit', 1, 'test/')}\ngates:\n  - { afterTier: 1, minPassRate: 0.9 }\n`,
    'test/a.test.js': FAILING_TEST,
  });
});
afterAll(() => project.cleanup());

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('the GitHub Action entry', () => {
  it('declares the inputs and outputs the Action promises', () => {
    const action = parse(readFileSync(resolve(import.meta.dirname, '../../action.yml'), 'utf8'));
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['playbook', 'focus', 'publish', 'until-green', 'max-iterations']),
    );
    expect(Object.keys(action.outputs)).toEqual([
      'decision',
      'run-id',
      'worklog-path',
      'pr-url',
      'issue-urls',
      // mode: plan, shard, merge (a sharded run: test/integration/action-sharded.test.ts)
      'plan-path',
      'shards',
      'shard-count',
      'partial-path',
      'go',
    ]);
  });

  it('runs the loop, writes the outputs and the job summary, and fails the step on defer', async () => {
    const out = join(project.dir, 'gh-output');
    const summary = join(project.dir, 'gh-summary.md');
    writeFileSync(out, '');
    writeFileSync(summary, '# existing content\n');
    const r = await execa(process.execPath, [ACTION], {
      cwd: project.dir,
      reject: false,
      env: {
        CI: 'true',
        GITHUB_OUTPUT: out,
        GITHUB_STEP_SUMMARY: summary,
        INPUT_PLAYBOOK: 'tdl.yaml',
        INPUT_FOCUS: 'all',
        INPUT_PUBLISH: 'none',
      },
    });
    expect(r.exitCode).toBe(1);
    const o = outputs(out);
    expect(o['run-id']).toMatch(/^tdl-\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(o['worklog-path']).toMatch(/E2E-DEPLOY-REMEDIATE-WORKLOG-all-.*\.md$/);
    expect(o['issue-urls']).toBe('[]');
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# existing content\n## tdl: ')).toBe(true);
    expect(text).toContain(`Run \`${o['run-id']}\``);
    expect(text).toContain('NO-GO after tier 1: pass rate 50.0% (1/2) is below 90.0%');
  }, 30_000);

  it('reports without failing the step when fail-on-defer is false', async () => {
    const r = await execa(process.execPath, [ACTION], {
      cwd: project.dir,
      reject: false,
      env: { CI: 'true', INPUT_PUBLISH: 'none', 'INPUT_FAIL-ON-DEFER': 'false' },
    });
    expect(r.exitCode).toBe(0);
  }, 30_000);

  it('against the GitHub emulator: issue-urls lists the issues the run filed', async () => {
    const token = `ghp_${'A'.repeat(36)}`;
    const emu = await startGitHubEmulator({ repos: ['acme/action'], tokens: [token] });
    try {
      writeFileSync(
        join(project.dir, 'gh.yaml'),
        `name: action-gh\nsuites:\n${nodeSuite('unit', 1, 'test/')}\ngithub:\n  repo: acme/action\n`,
      );
      const out = join(project.dir, 'gh-output-2');
      const summary = join(project.dir, 'gh-summary-2.md');
      writeFileSync(out, '');
      const r = await execa(process.execPath, [ACTION], {
        cwd: project.dir,
        reject: false,
        env: {
          CI: 'true',
          GITHUB_OUTPUT: out,
          GITHUB_STEP_SUMMARY: summary,
          INPUT_PLAYBOOK: 'gh.yaml',
          GITHUB_TOKEN: token,
          GH_TOKEN: '',
          TDL_GITHUB_API_URL: emu.url,
          TDL_GITHUB_WRITE_SPACING_MS: '0',
        },
      });
      expect(r.exitCode).toBe(1);
      const o = outputs(out);
      expect(o.decision).toBe('defer');
      const filed = emu.repo('acme/action').issues.map((i) => `${emu.url}/acme/action/issues/${i.number}`);
      expect(filed.length).toBeGreaterThanOrEqual(2); // the master issue and one per failure cluster
      expect(JSON.parse(o['issue-urls']!)).toEqual(expect.arrayContaining(filed));
      expect(o['pr-url']).toBe('');
      expect(readFileSync(summary, 'utf8')).not.toContain(token);
    } finally {
      await emu.close();
    }
  }, 60_000);
});
