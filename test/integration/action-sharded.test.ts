/**
 * The sharded GitHub Actions workflow (examples/github-actions/tdl-sharded.yml), two ways:
 * - the workflow and action.yml are valid, checked by action-validator (the SchemaStore schemas of
 *   workflows and actions, plus its own checks) through its npm build, @action-validator/core;
 * - its jobs' steps, in the workflow's order, through the Action's entry (dist/cli/action.js) with
 *   each job's inputs: plan, the shards of each tier, merge (whose `go` gates the next tier), finish.
 *   Files pass between "jobs" as the workflow's artifacts carry them (a folder per artifact).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FAILING_TEST, nodeSuite, PASSING_TEST, type TempProject, tempProject } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ACTION = join(ROOT, 'dist/cli/action.js');
const WORKFLOW = join(ROOT, 'examples/github-actions/tdl-sharded.yml');

describe('the workflow files are valid', () => {
  it('the sharded workflow passes action-validator', () => {
    const state = validateWorkflow(readFileSync(WORKFLOW, 'utf8'));
    expect(state.errors).toEqual([]);
  });

  it('action.yml passes action-validator, with the modes', () => {
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    expect(validateAction(text).errors).toEqual([]);
    expect(parse(text).inputs.mode.description).toMatch(/plan, shard, merge, finish/);
  });

  it('the validator does find mistakes (a job that needs an unknown key, a bad `on`)', () => {
    const broken = readFileSync(WORKFLOW, 'utf8').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow('name: x\non: 42\njobs: {}\n').errors.length).toBeGreaterThan(0);
  });

  it('the workflow gates each tier on the merge before it and publishes once', () => {
    const wf = parse(readFileSync(WORKFLOW, 'utf8'));
    const uses = (job: string) =>
      wf.jobs[job].steps.find((s: { with?: { mode?: string } }) => s.with?.mode)?.with.mode as string;
    expect(Object.keys(wf.jobs)).toEqual(['plan', 'tier-1', 'merge-1', 'tier-2', 'merge-2', 'finish']);
    expect([uses('plan'), uses('tier-1'), uses('merge-1'), uses('tier-2'), uses('finish')]).toEqual([
      'plan',
      'shard',
      'merge',
      'shard',
      'finish',
    ]);
    expect(wf.jobs['tier-2'].if).toContain("needs.merge-1.outputs.go == 'true'");
    expect(wf.jobs['tier-1'].strategy.matrix.shard).toContain('fromJSON(needs.plan.outputs.shards)');
    expect(wf.jobs.finish.needs).toEqual(['plan', 'merge-1', 'merge-2']);
  });
});

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: action-shards
suites:
${nodeSuite('unit', 1, 'test/unit/')}
${nodeSuite('smoke', 1, 'test/smoke/')}
${nodeSuite('later', 2, 'test/later/')}
gates:
  - { afterTier: 1, minPassRate: 0.9 }
`,
    'test/unit/a.test.js': PASSING_TEST,
    'test/smoke/s.test.js': PASSING_TEST,
    'test/later/b.test.js': FAILING_TEST,
  });
});
afterAll(() => project?.cleanup());

/** One job's step of the Action: a fresh "runner" folder sharing the checkout, its outputs read back. */
async function step(
  inputs: Record<string, string>,
): Promise<{ code: number | undefined; out: Record<string, string> }> {
  const output = join(project.dir, `out-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, '');
  const env: Record<string, string> = { CI: 'true', NO_COLOR: '1', GITHUB_OUTPUT: output };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await execa(process.execPath, [ACTION], { cwd: project.dir, env, reject: false });
  const out = Object.fromEntries(
    readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: r.exitCode, out };
}

/** What actions/download-artifact with `pattern` and `merge-multiple` leaves: the files in one folder. */
function artifacts(from: string[], folder: string): void {
  mkdirSync(join(project.dir, folder), { recursive: true });
  for (const f of from) copyFileSync(join(project.dir, f), join(project.dir, folder, f.split('/').pop()!));
}

describe('the workflow’s steps through the Action', () => {
  it('plan → shards → merge (GO) → shards → merge → finish: one run, one worklog', async () => {
    const plan = await step({ mode: 'plan', playbook: 'tdl.yaml', shards: '2' });
    expect(plan.code).toBe(0);
    expect(plan.out).toMatchObject({
      'plan-path': 'tdl-plan/plan.json',
      'shard-count': '2',
      shards: '[1,2]',
    });
    const runId = plan.out['run-id'];
    const partials: string[] = [];
    for (const tier of ['1', '2']) {
      const shards = await Promise.all(
        (JSON.parse(plan.out.shards!) as number[]).map((i) =>
          step({ mode: 'shard', playbook: 'tdl.yaml', tier, shard: `${i}/${plan.out['shard-count']}` }),
        ),
      );
      for (const s of shards) {
        expect(s.out['run-id']).toBe(runId);
        expect(s.out['partial-path']).toMatch(new RegExp(`tdl-partials/tier-${tier}-shard-\\d-of-2\\.json$`));
      }
      const mine = shards.map((s) => s.out['partial-path']!.replace(`${project.dir}/`, ''));
      partials.push(...mine);
      artifacts(mine, `merge-${tier}`);
      const merge = await step({ mode: 'merge', playbook: 'tdl.yaml', tier, partials: `merge-${tier}` });
      // NO-GO or GO, the merge step itself succeeds: its `go` output decides.
      expect(merge.code).toBe(0);
      expect(merge.out).toMatchObject({ 'run-id': runId, go: 'true', complete: 'true' });
    }
    artifacts(partials, 'finish');
    const finish = await step({ mode: 'finish', playbook: 'tdl.yaml', partials: 'finish', publish: 'none' });
    expect(finish.out).toMatchObject({ 'run-id': runId, decision: 'defer' });
    expect(finish.code).toBe(1);
    const record = JSON.parse(readFileSync(finish.out['worklog-path']!.replace(/\.md$/, '.json'), 'utf8'));
    const tests = record.phases.find((p: { id: string }) => p.id === 'run-tests').data;
    expect(tests.counts).toMatchObject({ passed: 5, failed: 1 });
    expect(
      readdirSync(join(project.dir, 'worklogs')).filter((f: string) => f.endsWith('.md') && f !== 'INDEX.md'),
    ).toHaveLength(1);
  }, 400_000);

  it('a merge without one shard’s partial says go=false, and the step still succeeds', async () => {
    const plan = await step({ mode: 'plan', playbook: 'tdl.yaml', shards: '2' });
    const one = await step({ mode: 'shard', playbook: 'tdl.yaml', tier: '1', shard: '1/2' });
    // Tier 1's two suites over two shards: one each (longest first, each to the least loaded).
    const tier1 = JSON.parse(readFileSync(join(project.dir, 'tdl-plan/plan.json'), 'utf8')).tiers[0];
    expect(tier1.shards.map((s: { chunks: string[] }) => s.chunks.length)).toEqual([1, 1]);
    artifacts([one.out['partial-path']!.replace(`${project.dir}/`, '')], 'merge-missing');
    const merge = await step({ mode: 'merge', playbook: 'tdl.yaml', tier: '1', partials: 'merge-missing' });
    expect(plan.code).toBe(0);
    expect(merge.code).toBe(0);
    expect(merge.out).toMatchObject({ go: 'false', complete: 'false' });
  }, 180_000);

  it('an unknown mode is a usage error (exit 2)', async () => {
    const r = await step({ mode: 'deploy' });
    expect(r.code).toBe(2);
  }, 60_000);
});
