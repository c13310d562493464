/** `tdl worklogs` and the INDEX trend, from real runs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import type { TrendRow } from '../../src/worklog/trend.js';
import { FAILING_TEST, nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

let project: TempProject;
const runs: RunRecord[] = [];

beforeAll(async () => {
  project = await tempProject({
    '.gitignore': '.tdl/\nworklogs/\n',
    'tdl.yaml': `name: trend-it\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}${nodeSuite('later', 2, 'test/later/')}gates:\n  - { afterTier: 1, minPassRate: 0.4 }\n`,
    'other.yaml': `name: other-it\nsuites:\n${nodeSuite('later', 1, 'test/later/')}`,
    'test/unit/a.test.js': FAILING_TEST,
    'test/later/b.test.js': PASSING_TEST,
  });
  for (const args of [['run'], ['run'], ['run', '-p', 'other.yaml']]) {
    const r = await tdl(project.dir, [...args, '--json']);
    runs.push(JSON.parse(String(r.stdout)) as RunRecord);
  }
}, 90_000);
afterAll(() => project.cleanup());

describe('tdl worklogs', () => {
  it('--json lists the runs of the playbook, newest first, with pass rate per tier and decision', async () => {
    const r = await tdl(project.dir, ['worklogs', '--json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(String(r.stdout)) as { playbook: string; runs: TrendRow[] };
    expect(out.playbook).toBe('trend-it');
    expect(out.runs.map((x) => x.runId)).toEqual([runs[1]!.runId, runs[0]!.runId]);
    expect(out.runs[0]).toMatchObject({
      passRate: 3 / 4,
      failing: 1,
      // The gate lets tier 2 run, but a failing suite is not green.
      decision: 'DEFER',
      violations: null,
      tiers: [
        { tier: 1, passRate: 0.5, state: 'completed' },
        { tier: 2, passRate: 1, state: 'completed' },
      ],
    });
    expect(out.runs[0]!.decisionReason).toBe('suite unit failed');
  });

  it('prints a table, and --all includes every playbook', async () => {
    const r = await tdl(project.dir, ['worklogs', '--all']);
    const text = String(r.stdout);
    expect(text).toContain('3 run(s) of every playbook');
    expect(text).toContain(`| \`${runs[0]!.runId}\` |`);
    expect(text).toContain('| 75.0% | T1 50.0%, T2 100.0% | 1 |');
  });

  it('INDEX.md has a trend per playbook with a mermaid xychart of pass rate', () => {
    const index = readFileSync(join(project.dir, 'worklogs', 'INDEX.md'), 'utf8');
    expect(index).toContain('## Trend: trend-it');
    expect(index).toContain('## Trend: other-it');
    expect(index).toContain('```mermaid\nxychart-beta\n  title "Pass rate (%)"');
    expect(index).toContain('  line [75, 75]');
  });
});
