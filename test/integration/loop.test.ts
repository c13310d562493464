/** `tdl run --until-green` on real repositories with real remediation scripts. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { CLI, nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

const BROKEN = 'export const add = (a, b) => a - b;\n';
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add } from '../../src/math.js';
test('adds', () => assert.equal(add(2, 3), 5));
test('adds zero', () => assert.equal(add(0, 0), 0));
`;
// Fixes the code, and leaves behind what tdl gave it.
const FIX = `const fs = require('node:fs');
const clusters = JSON.parse(fs.readFileSync(process.env.TDL_CLUSTERS_FILE, 'utf8'));
fs.writeFileSync('remediation-env.json', JSON.stringify({ runId: process.env.TDL_RUN_ID, iteration: process.env.TDL_ITERATION, clusters: clusters.clusters.length }));
fs.writeFileSync('src/math.js', 'export const add = (a, b) => a + b;\\n');
`;

const playbook = (remediate: string) =>
  `name: loop-it\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}remediate:\n  command: ${remediate}\n  timeout: 30s\n`;

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

async function setup(remediate: string, extra: Record<string, string> = {}): Promise<TempProject> {
  project = await tempProject({
    '.gitignore': '.tdl/\nworklogs/\nremediation-env.json\n',
    'package.json': '{ "type": "module" }\n',
    'tdl.yaml': playbook(remediate),
    'src/math.js': BROKEN,
    'test/unit/math.test.js': TESTS,
    ...extra,
  });
  return project;
}

describe('--until-green', () => {
  it('ends green in iteration 2 when the remediation script fixes the failing test', async () => {
    const p = await setup('[node, scripts/fix.cjs]', { 'scripts/fix.cjs': FIX });
    const r = await tdl(p.dir, ['run', '--until-green', '--max-iterations', '3', '--json']);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    expect(r.exitCode).toBe(0);
    expect(record.loop).toMatchObject({
      maxIterations: 3,
      stop: 'green',
      stopReason: 'green in iteration 2',
    });
    expect(record.iterations!.map((i) => i.decision?.decision)).toEqual(['defer', 'proceed']);
    expect(record.iterations![0]!.failing).toEqual(['`unit` › adds']);
    expect(record.iterations![0]!.remediation).toMatchObject({
      command: ['node', 'scripts/fix.cjs'],
      exitCode: 0,
    });
    expect(record.iterations![1]!.failing).toEqual([]);
    expect(record.decision?.decision).toBe('proceed');
    const env = JSON.parse(readFileSync(join(p.dir, 'remediation-env.json'), 'utf8'));
    expect(env).toEqual({ runId: record.runId, iteration: '1', clusters: 1 });
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toContain('### Iteration 1: DEFER');
    expect(md).toContain('### Iteration 2: PROCEED');
    expect(md).toContain('Remediation `node scripts/fix.cjs`: exit 0');
    expect(md).toContain('- **Loop:** 2 of at most 3 iteration(s); green in iteration 2');
  }, 90_000);

  it('stops with "no progress" when the script changes nothing', async () => {
    const p = await setup('[node, -e, "0"]');
    const r = await tdl(p.dir, ['run', '--until-green', '--max-iterations', '5', '--json']);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    expect(r.exitCode).toBe(1);
    expect(record.iterations).toHaveLength(2);
    expect(record.loop?.stop).toBe('no-progress');
    expect(record.loop?.stopReason).toMatch(
      /^no progress: iteration 2 ran on the same commit [0-9a-f]{12} with the same 1 failing test\(s\) as iteration 1$/,
    );
    expect(String(r.stderr)).toContain('no progress');
  }, 90_000);

  it('on Ctrl-C during remediation: writes the worklog and exits 130', async () => {
    const p = await setup(
      `[node, -e, "require('fs').writeFileSync('remediating', '1'); setInterval(() => {}, 1000)"]`,
    );
    const child = execa(process.execPath, [CLI, 'run', '--until-green', '--json'], {
      cwd: p.dir,
      reject: false,
      env: { CI: 'true' },
    });
    // Interrupt only once remediation runs (bounded by the test's timeout, not a guessed count).
    while (!existsSync(join(p.dir, 'remediating'))) await new Promise((res) => setTimeout(res, 20));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    expect(record.state).toBe('cancelled');
    expect(record.loop?.stop).toBe('interrupted');
    expect(readFileSync(record.worklog!.markdown, 'utf8')).toContain(
      'interrupted during remediation after iteration 1',
    );
  }, 90_000);

  it('tdl doctor checks the remediation command', async () => {
    const p = await setup('[no-such-remediator-7, --fix]');
    const r = await tdl(p.dir, ['doctor', '--json']);
    const checks = JSON.parse(String(r.stdout)).checks as { name: string; ok: boolean; fix?: string }[];
    expect(checks.find((c) => c.name === 'remediate command found')).toMatchObject({
      ok: false,
      fix: 'install no-such-remediator-7, or change remediate.command',
    });
    expect(r.exitCode).toBe(1);
  }, 30_000);

  it('refuses --dry-run with --until-green, exit 2', async () => {
    const p = await setup('[node, -e, "0"]');
    const r = await tdl(p.dir, ['run', '--until-green', '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('--until-green cannot be combined with --dry-run');
  }, 30_000);
});
