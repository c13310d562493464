import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { FAILING_TEST, nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

// A suite that records the environment tdl gives it, so the test can check correlation variables.
const ENV_PROBE = `import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
test('records its environment', () => {
  const keys = ['TDL_RUN_ID', 'TDL_PHASE', 'TDL_SUITE', 'TDL_ATTEMPT', 'TDL_ATTEMPT_TOKEN', 'TDL_REPORT_DIR', 'TRACEPARENT', 'SECRET_TOKEN'];
  writeFileSync(process.env.TDL_REPORT_DIR + '/env.json', JSON.stringify(Object.fromEntries(keys.map((k) => [k, process.env[k]]))));
  console.log('token in output:', process.env.SECRET_TOKEN, 'and ghp_' + 'x'.repeat(36));
});
`;

const playbook = (gate: number) => `name: it-project
suites:
${nodeSuite('probe', 1, 'test/probe/')}
${nodeSuite('unit', 1, 'test/unit/')}
  - id: leaky
    categories: [leaky]
    command: [node, -e, "console.log('the token is', process.env.SECRET_TOKEN); process.exit(1)"]
${nodeSuite('later', 2, 'test/later/')}
gates:
  - { afterTier: 1, minPassRate: ${gate} }
redact:
  env: [SECRET_TOKEN]
`;

let project: TempProject;
const SECRET = 's3cr3t-value-123456';

beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': playbook(0.9),
    'lenient.yaml': playbook(0.5),
    'test/probe/env.test.js': ENV_PROBE,
    'test/unit/math.test.js': FAILING_TEST,
    'test/later/ok.test.js': PASSING_TEST,
  });
});
afterAll(() => project.cleanup());

describe('tdl run on real suites', () => {
  let record: RunRecord;
  let stdout: string;
  let exitCode: number | undefined;

  beforeAll(async () => {
    const r = await tdl(project.dir, ['run', '--json'], { SECRET_TOKEN: SECRET });
    stdout = String(r.stdout);
    exitCode = r.exitCode;
    record = JSON.parse(stdout) as RunRecord;
  }, 60_000);

  it('prints exactly one JSON document on stdout and exits 1 on a failed gate', () => {
    expect(exitCode).toBe(1);
    expect(record.runId).toMatch(/^tdl-\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(record.exitCode).toBe(1);
    expect(record.phases.map((p) => p.id)).toEqual([
      'deploy-status',
      'select-tests',
      'run-tests',
      'root-cause',
      'compliance',
      'stability',
      'publish',
    ]);
  });

  it('applies the gate and marks later tiers skipped with the NO-GO reason', () => {
    const data = phaseData(record, 'run-tests')!;
    expect(data.counts).toMatchObject({ passed: 2, failed: 1, total: 3 });
    expect(data.tiers[0]!.gate).toMatchObject({ verdict: 'fail', passRate: 2 / 3 });
    expect(data.noGo?.afterTier).toBe(1);
    const later = data.suites.find((s) => s.id === 'later')!;
    expect(later.state).toBe('skipped');
    expect(later.reason).toMatch(/^NO-GO: the gate after tier 1 did not pass/);
  });

  it('reports phases with nothing to do as skipped with their true reason, never as passed', () => {
    const reasons = {
      'deploy-status': 'no Cloud Run services configured',
      compliance: 'no audit section in the playbook',
      publish: 'no github section in the playbook',
    };
    for (const [id, reason] of Object.entries(reasons)) {
      const p = record.phases.find((x) => x.id === id)!;
      expect(p.state).toBe('skipped');
      expect(p.verdict).toBeUndefined();
      expect(p.reason).toBe(reason);
    }
    expect(record.decision?.decision).toBe('defer');
  });

  it('gives every child process the run id, phase, suite and a traceparent derived from the run', () => {
    // Each attempt writes into its own fresh folder, named after the attempt and its token.
    const folders = readdirSync(join(record.runDir, 'reports', 'probe'));
    expect(folders).toEqual([expect.stringMatching(/^1-[0-9a-f]{8}$/)]);
    const attemptDir = join(record.runDir, 'reports', 'probe', folders[0]!);
    const env = JSON.parse(readFileSync(join(attemptDir, 'env.json'), 'utf8'));
    expect(env.TDL_REPORT_DIR).toBe(attemptDir);
    expect(`1-${env.TDL_ATTEMPT_TOKEN}`).toBe(folders[0]);
    expect(env).toMatchObject({
      TDL_RUN_ID: record.runId,
      TDL_PHASE: 'run-tests',
      TDL_SUITE: 'probe',
      TDL_ATTEMPT: '1',
    });
    expect(env.TRACEPARENT).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('carries the run id and phase on 100% of its log records', () => {
    const lines = readFileSync(join(record.runDir, 'run.log'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // On the raw text: JSON.parse would hide a key written twice by keeping the last one.
    expect(lines.filter((l) => l.split('"phase":').length !== 2)).toEqual([]);
    expect(lines.filter((l) => l.split('"runId":').length !== 2)).toEqual([]);
    expect(records.filter((r) => r.runId === record.runId && typeof r.phase === 'string')).toHaveLength(
      records.length,
    );
    expect(new Set(records.map((r) => r.phase))).toEqual(
      new Set([
        'run',
        'deploy-status',
        'select-tests',
        'run-tests',
        'root-cause',
        'compliance',
        'stability',
        'publish',
      ]),
    );
  });

  it('writes the worklog, its JSON twin and the index, redacted', () => {
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(record.worklog!.markdown).toMatch(
      /worklogs\/E2E-DEPLOY-REMEDIATE-WORKLOG-all-\d{4}-\d{2}-\d{2}-\d{6}\.md$/,
    );
    expect(JSON.parse(readFileSync(record.worklog!.json, 'utf8')).runId).toBe(record.runId);
    expect(md).toContain('## Executive summary');
    expect(md).toContain(
      '- **Decision:** DEFER — gate after tier 1 failed (66.7% < 90.0%); suites unit, leaky failed; regressions unknown (no earlier run to compare with)\n',
    );
    expect(md).toContain('NO-GO after tier 1: pass rate 66.7% (2/3) is below 90.0%');
    expect(md).toContain('<details><summary>unit › ');
    const all = [
      md,
      stdout,
      readFileSync(join(record.runDir, 'run.log'), 'utf8'),
      readFileSync(join(record.runDir, 'probe.log'), 'utf8'),
    ];
    // The suite's own raw log is the only place the secret may stay (it never leaves the machine's run folder).
    for (const text of all.slice(0, 3)) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/ghp_x{36}/);
    }
    const index = readFileSync(join(project.dir, 'worklogs', 'INDEX.md'), 'utf8');
    expect(index).toContain(record.runId);
  });

  it('orders suites that failed last run first on the next run, and exits 0 when every gate passes', async () => {
    const r = await tdl(project.dir, ['run', '-p', 'lenient.yaml', '--json']);
    const second = JSON.parse(String(r.stdout)) as RunRecord;
    // A different playbook name would not share history; this one shares the name, so history applies.
    const selection = phaseData(second, 'select-tests')!;
    expect(selection.selected.map((s) => s.id)).toEqual(['unit', 'leaky', 'probe', 'later']);
    expect(r.exitCode).toBe(1); // the unit suite still has a failing test
    const data = phaseData(second, 'run-tests')!;
    expect(data.tiers.map((t) => t.state)).toEqual(['completed', 'completed']);
  }, 60_000);
});

describe('user mistakes', () => {
  it('a playbook error is one line per problem with file:line:col, exit 2, no stack', async () => {
    project.write('bad.yaml', 'name: bad\nsuites:\n  - id: x\n    command: [node]\n    timeout: forever\n');
    const r = await tdl(project.dir, ['run', '-p', 'bad.yaml']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).trim()).toBe(
      'tdl: bad.yaml:5:14: suites[0].timeout: expected a duration like "90s", "15m" or "1h", got "forever"',
    );
  });

  it('an unknown focus lists the known categories, exit 2, and writes nothing', async () => {
    const worklogs = join(project.dir, 'worklogs');
    const before = existsSync(worklogs) ? readdirSync(worklogs).sort() : [];
    const index = existsSync(join(worklogs, 'INDEX.md'))
      ? readFileSync(join(worklogs, 'INDEX.md'), 'utf8')
      : '';
    const r = await tdl(project.dir, ['run', '--focus', 'nope']);
    expect(r.exitCode).toBe(2);
    expect(existsSync(worklogs) ? readdirSync(worklogs).sort() : []).toEqual(before);
    expect(
      existsSync(join(worklogs, 'INDEX.md')) ? readFileSync(join(worklogs, 'INDEX.md'), 'utf8') : '',
    ).toBe(index);
    expect(String(r.stderr)).toContain(
      '--focus nope matches no suite; known categories: later, leaky, probe, unit',
    );
    expect(String(r.stderr)).not.toContain('    at ');
  });

  it('bad option values name the valid ones, exit 2', async () => {
    const r = await tdl(project.dir, ['run', '--only', 'run-tests,nope']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(
      '--only: unknown phase "nope"; valid phases are deploy-status, select-tests',
    );
  });

  it('a missing playbook says how to make one, exit 2', async () => {
    const r = await tdl(project.dir, ['run', '-p', 'missing.yaml']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('playbook not found: missing.yaml');
  });
});

describe('the command line', () => {
  it('lists the DESIGN commands in --help', async () => {
    const r = await tdl(project.dir, ['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of [
      'run',
      'resume',
      'status',
      'results',
      'audit',
      'publish',
      'worklogs',
      'init',
      'doctor',
      'schema',
    ]) {
      expect(String(r.stdout)).toMatch(new RegExp(`\\n  ${c}\\b`));
    }
  });

  it('prints the playbook JSON Schema', async () => {
    const r = await tdl(project.dir, ['schema']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(String(r.stdout)).properties.suites).toBeTruthy();
  });

  it('--only runs the named phases and skips the rest with the reason', async () => {
    const r = await tdl(project.dir, ['run', '-p', 'lenient.yaml', '--only', 'select-tests', '--json']);
    const rec = JSON.parse(String(r.stdout)) as RunRecord;
    expect(rec.phases.find((p) => p.id === 'run-tests')).toMatchObject({
      state: 'skipped',
      reason: 'not selected (--only select-tests)',
    });
    expect(rec.phases.find((p) => p.id === 'select-tests')!.state).toBe('completed');
    expect(r.exitCode).toBe(0);
  });

  it('--dry-run plans the suites without running them', async () => {
    const r = await tdl(project.dir, ['run', '--dry-run', '--json']);
    const rec = JSON.parse(String(r.stdout)) as RunRecord;
    const tests = rec.phases.find((p) => p.id === 'run-tests')!;
    expect(tests.state).toBe('skipped');
    expect(tests.reason).toBe('dry run: would run 4 suite(s) in 2 tier(s)');
    expect(existsSync(join(rec.runDir, 'probe.log'))).toBe(false);
    expect(readdirSync(join(rec.runDir, 'reports'))).toEqual([]);
    const md = readFileSync(rec.worklog!.markdown, 'utf8');
    expect(md).toMatch(/^# E2E Deploy Remediate Worklog — all \(dry run\)\n/);
    expect(md).toContain('- **Dry run:** nothing was run or measured');
    expect(readFileSync(join(project.dir, 'worklogs', 'INDEX.md'), 'utf8')).toContain(
      'dry run (not history)',
    );
    // The next run's "previous run" is the last real run, never the dry run.
    const next = JSON.parse(
      String((await tdl(project.dir, ['run', '--only', 'select-tests', '--json'])).stdout),
    ) as RunRecord;
    const previous = phaseData(next, 'select-tests')!.previous;
    expect(previous).not.toBeNull();
    expect(previous!.runId).not.toBe(rec.runId);
  });
});
