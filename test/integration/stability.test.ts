/**
 * The decision engine on a real git repository: a regression introduced on a branch, a fixed test,
 * and a change touching 40 files, each decided from real runs of real suites.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { CriterionResult } from '../../src/phase-data/stability.js';
import { nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

const GOOD = 'export const add = (a, b) => a + b;\nexport const mul = (a, b) => a * b;\n';
const BROKEN = 'export const add = (a, b) => a - b;\nexport const mul = (a, b) => a * b;\n';
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, mul } from '../../src/math.js';
test('adds', () => assert.equal(add(2, 3), 5));
test('multiplies', () => assert.equal(mul(2, 3), 6));
`;

let project: TempProject;
const git = (...args: string[]) =>
  execa('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: project.dir });
const commit = async (message: string) => {
  await git('add', '-A');
  await git('commit', '-qm', message);
};

async function run(playbook = 'tdl.yaml'): Promise<{ record: RunRecord; exitCode: number | undefined }> {
  const r = await tdl(project.dir, ['run', '-p', playbook, '--json']);
  return { record: JSON.parse(String(r.stdout)) as RunRecord, exitCode: r.exitCode };
}

function criterion(record: RunRecord, id: CriterionResult['id']): CriterionResult {
  const data = phaseData(record, 'stability')!;
  return data.criteria.find((c) => c.id === id)!;
}

beforeAll(async () => {
  project = await tempProject({
    '.gitignore': '.tdl/\nworklogs/\n',
    'package.json': '{ "type": "module" }\n',
    'tdl.yaml': `name: stability-it\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}`,
    'atomic.yaml': `name: stability-it\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}decision:\n  require: [tests-authentic, gates-passed, atomic-change]\n`,
    'src/math.js': GOOD,
    'test/unit/math.test.js': TESTS,
  });
});
afterAll(() => project.cleanup());

describe('the stability decision on real runs', () => {
  let onMain: RunRecord;
  let regressed: RunRecord;

  it('proceeds on main when every test passes (exit 0)', async () => {
    const r = await run();
    onMain = r.record;
    expect(onMain.decision?.decision).toBe('proceed');
    expect(r.exitCode).toBe(0);
    expect(criterion(onMain, 'no-regressions').verdict).toBe('pass');
    expect(criterion(onMain, 'deployment-healthy')).toMatchObject({ applicable: false, required: true });
  }, 60_000);

  it('catches a regression introduced on a branch: no-regressions fails and the run defers', async () => {
    await git('checkout', '-qb', 'feature');
    project.write('src/math.js', BROKEN);
    await commit('make add subtract');
    const r = await run();
    regressed = r.record;
    expect(r.exitCode).toBe(1);
    const c = criterion(regressed, 'no-regressions');
    expect(c.verdict).toBe('fail');
    expect(c.evidence).toContain(`\`unit\` › adds: passed in ${onMain.runId}, now failed`);
    expect(regressed.decision?.decision).toBe('defer');
    expect(regressed.decision?.reasons.some((x) => x.startsWith('no-regressions fail'))).toBe(true);
    // The executive summary states the decision and every reason, in plain words.
    const md = (await import('node:fs')).readFileSync(regressed.worklog!.markdown, 'utf8');
    expect(md).toContain('- **Decision:** DEFER — suite unit failed; 1 regression\n');
    expect(md).toContain('| `no-regressions` | yes | ❌ fail |');
  }, 60_000);

  it('a fixed test yields demonstrable-improvement (pass rate up, the failing cluster now passes)', async () => {
    project.write('src/math.js', GOOD);
    await commit('fix add');
    const r = await run();
    const c = criterion(r.record, 'demonstrable-improvement');
    expect(c.verdict).toBe('pass');
    expect(c.evidence[0]).toBe(`pass rate 50.0% in ${regressed.runId} → 100.0% now`);
    expect(
      c.evidence.some((e) => /^cluster `[0-9a-f]{12}` .* failed in .*; its 1 test\(s\) pass now$/.test(e)),
    ).toBe(true);
    expect(r.exitCode).toBe(0);
  }, 60_000);

  it('a change touching 40 files fails atomic-change', async () => {
    await git('checkout', '-q', 'main');
    await git('checkout', '-qb', 'big-change');
    for (let i = 0; i < 40; i++) project.write(`src/generated/file${i}.js`, `export const v${i} = ${i};\n`);
    await commit('add 40 files');
    const r = await run('atomic.yaml');
    const c = criterion(r.record, 'atomic-change');
    expect(c.verdict).toBe('fail');
    expect(c.evidence[0]).toMatch(
      /^git diff main\.\.\.HEAD \(merge base [0-9a-f]{12}\): 40 file\(s\) changed \(max 10\) — over the limit$/,
    );
    expect(r.record.decision?.decision).toBe('defer');
    expect(r.exitCode).toBe(1);
  }, 60_000);
});
