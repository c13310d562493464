import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData, phaseResult } from '../../src/phase-data/index.js';
import { PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

const playbook = (base: string) => `name: audit-run
suites:
  - id: unit
    command: [node, --test, test/]
audit:
  scopes: { production: ["src/**"] }
${base}  rules:
    - { id: one-state, kind: duplicate-definition, names: ["*State"] }
    - { id: redis-through-manager, kind: forbidden-pattern, pattern: "redis\\\\.Redis\\\\(", allowIn: ["src/redis_manager.py"] }
`;

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': playbook(''),
    'test/ok.test.js': PASSING_TEST,
    'src/a.py': 'class RunState:\n    pass\n',
    'src/b.ts': 'export class RunState {}\n',
    'src/c.py': 'import redis\nc = redis.Redis()\n',
    'src/redis_manager.py': 'import redis\nc = redis.Redis()\n',
  });
});
afterAll(() => project.cleanup());

async function run(args: string[]): Promise<RunRecord> {
  const r = await tdl(project.dir, ['run', '--json', ...args]);
  return JSON.parse(String(r.stdout)) as RunRecord;
}

const compliance = (r: RunRecord) => phaseResult(r, 'compliance')!;

describe('phase 4 in tdl run', () => {
  it('audits, scores, fails on an error-severity violation, and fills its worklog section', async () => {
    const record = await run([]);
    const p = compliance(record);
    expect(p.state).toBe('completed');
    expect(p.verdict).toBe('fail');
    const d = p.data!;
    expect(d.totalViolations).toBe(3);
    // 4 files; one-state: 2 warnings → 100 × 4 / (4 + 5) = 44.4; redis: 1 error → 28.6; mean 36.5.
    expect(d.scores).toEqual({ production: 36.5 });
    expect(d.introducedCount).toBeNull();
    // No github section: the base branch is main (playbook/base.ts), and HEAD is its tip.
    expect(d.baseNote).toBe(
      'HEAD is the tip of main: no change to compare with, violations are judged against the baseline',
    );
    // No baseline either: new violations are unknown (never a pass), and the decision says how to fix it.
    const stabilityData = phaseData(record, 'stability')!;
    const nnv = stabilityData.criteria.find((c) => c.id === 'no-new-violations')!;
    expect(nnv.verdict).toBe('inconclusive');
    expect(nnv.evidence.join(' ')).toContain('HEAD is the tip of main');
    expect(nnv.evidence.join(' ')).toContain('tdl audit --update-baseline');
    expect(d.newSinceBaselineCount).toBeNull();
    expect(d.failingCount).toBe(1);
    expect(p.findings).toEqual([
      expect.objectContaining({ kind: 'redis-through-manager', severity: 'error', subject: 'src/c.py:2' }),
    ]);
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toContain('3 violation(s) in 3 of 4 audited file(s); 1 failing violation(s)');
    expect(md).toContain('| `production` | 4 | 3 | 36.5 | 1 | 2 |');
    expect(md).toContain('| `one-state` | duplicate-definition | 0 | 2 | — | — | 2 | 44.4 | — |');
    expect(md).toContain('`src/c.py:2`');
    expect(md).toContain(
      'Change since the previous run: no earlier run of this playbook measured violations.',
    );
    expect(md).toContain('**Violations:** 3');
  }, 60_000);

  it('compares with audit.base and with the previous run', async () => {
    project.write('src/d.py', 'import redis\nx = redis.Redis()\n');
    await execa('git', ['add', '-A'], { cwd: project.dir });
    await execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'd'], {
      cwd: project.dir,
    });
    // The base: the first commit, through a tag; both playbooks share a name, so share a history.
    await execa('git', ['tag', 'first', 'HEAD~1'], { cwd: project.dir });
    project.write('based.yaml', playbook('  base: first\n'));
    const record = await run(['-p', 'based.yaml']);
    const d = compliance(record).data!;
    expect(d.totalViolations).toBe(4);
    expect(d.introducedCount).toBe(1);
    expect(d.introduced.map((v) => `${v.file}:${v.line}`)).toEqual(['src/d.py:2']);
    expect(d.previous?.totalViolations).toBe(3);
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toMatch(/Change since the previous run \(`tdl-[^`]+`\): 3 → 4 \(\+1\)\./);
    expect(md).toMatch(
      /Introduced since the base \(audit\.base: first, `[0-9a-f]{12}`\): 1 in 1 changed file\(s\)/,
    );
  }, 60_000);

  it('phases 4 and 5 compare with the same base: main without a github section, else origin/main', async () => {
    const git = (...args: string[]) =>
      execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project.dir });
    await git('checkout', '-q', '-b', 'feature');
    project.write('src/e.py', 'import redis\ne = redis.Redis()\n');
    await git('add', '-A');
    await git('commit', '-qm', 'e');
    const stability = (r: RunRecord) => phaseData(r, 'stability');
    let record = await run([]);
    let d = compliance(record).data!;
    expect(d.baseNote).toBe('merge-base of HEAD and main');
    expect(d.introduced.map((v) => `${v.file}:${v.line}`)).toEqual(['src/e.py:2']);
    expect(JSON.stringify(stability(record))).toContain('1 file');
    // Only origin/main (a CI checkout): both find it there.
    const { stdout: mainSha } = await git('rev-parse', 'main');
    await git('update-ref', 'refs/remotes/origin/main', mainSha.trim());
    await git('branch', '-q', '-D', 'main');
    record = await run([]);
    d = compliance(record).data!;
    expect(d.baseNote).toBe('merge-base of HEAD and origin/main');
    expect(d.introduced.map((v) => `${v.file}:${v.line}`)).toEqual(['src/e.py:2']);
    expect(JSON.stringify(stability(record))).not.toContain('does not resolve');
  }, 60_000);
});
