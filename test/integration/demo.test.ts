/** `npm run demo` as a new user runs it: the whole loop, with no credentials, against the emulators. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { checkStoredRecord } from '../../src/phase-data/record.js';

const ROOT = resolve(import.meta.dirname, '../..');
const state = mkdtempSync(join(tmpdir(), 'tdl-demo-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('runs every phase on real data, defers on the real tier-1 failure, files issues, and exits 0', async () => {
    const env = { CI: 'true', TDL_STATE_DIR: state, GITHUB_TOKEN: '', GH_TOKEN: '' };
    const r = await execa(process.execPath, ['dist/sandbox/demo.js', '--json'], {
      cwd: ROOT,
      reject: false,
      env,
    });
    expect(r.exitCode).toBe(0);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    expect(record.exitCode).toBe(1);
    expect(record.phases.map((p) => p.state)).toEqual(Array(7).fill('completed'));

    const services = phaseData(record, 'deploy-status')!.services;
    expect(services).toHaveLength(3);
    expect(services.filter((s) => s.verdict === 'fail').map((s) => s.name)).toEqual(['demo-frontend']);

    const tests = phaseData(record, 'run-tests')!;
    expect(tests.counts).toMatchObject({ passed: 5, failed: 3, flaky: 1 });
    expect(phaseData(record, 'root-cause')!.clusters.length).toBeGreaterThan(0);
    expect(phaseData(record, 'compliance')!.totalViolations).toBeGreaterThan(0);
    expect(record.decision?.decision).toBe('defer');
    expect(record.decision?.reasons[0]).toMatch(/^gates-passed fail/);
    // demo-backend is Ready and fresh (phase 0 passes it), but 5% of its requests failed: deferred, value printed.
    expect(services.find((s) => s.name === 'demo-backend')?.verdict).toBe('pass');
    expect(record.decision?.reasons).toContainEqual(
      expect.stringMatching(/^deployment-healthy fail: demo-backend: 5xx 5\.0% > 1% \(bound < 1%/),
    );
    // Every failing test's cluster carries the exact error line its own request logged (trace + the
    // test's own span, which node:test's JUnit report names after each test).
    const rc = phaseData(record, 'root-cause')!;
    expect(rc.deployment?.correlation).toMatchObject({
      failingTests: 3,
      correlatedTests: 3,
      ownSpanTests: 3,
      rate: 1,
    });
    // The last attempt's report names each test's span; the first attempt's entries (its report was
    // replaced by the retry's) are still attributed to their suite attempt, by time.
    expect(rc.deployment?.correlated.filter((e) => e.via === 'test' && e.test).length).toBeGreaterThanOrEqual(
      3,
    );
    expect(rc.deployment?.correlated.every((e) => e.via !== null)).toBe(true);
    expect(rc.deployment?.correlated.every((e) => e.trace.endsWith(rc.deployment!.traceId))).toBe(true);
    const executing = rc.clusters.find((c) => c.message.includes('tool_executing'))!;
    expect(executing.evidence?.find((l) => l.kind === 'revision-log')?.value).toContain(
      'during test `tool_executing carries tool_name` (suite `mission-critical`)',
    );
    expect(executing.evidence?.find((l) => l.kind === 'revision-log')?.value).toContain(
      'websocket event tool_executing dropped: missing field "tool_name" (run_id=r1) (src/events.js:13 in toolExecuting)',
    );
    const issues = phaseData(record, 'publish')!.issues;
    expect(issues.filter((i) => i.kind === 'master')).toHaveLength(1);
    expect(issues.filter((i) => i.kind === 'child').length).toBeGreaterThan(0);

    const stderr = String(r.stderr);
    expect(stderr).toContain('GitHub sandbox');
    expect(stderr).toContain('npx tdl init');
    expect(existsSync(record.worklog!.markdown)).toBe(true);
    const worklog = readFileSync(record.worklog!.markdown, 'utf8');
    expect(worklog).toContain('## Executive summary');
    expect(worklog).not.toMatch(/\*\*State:\*\* skipped/);

    // What it stored (the run folder's record and the worklog's JSON twin) is checked phase by phase
    // when read back: every phase's data matches its schema.
    for (const file of [join(record.runDir, 'record.json'), record.worklog!.json]) {
      const checked = checkStoredRecord(JSON.parse(readFileSync(file, 'utf8')));
      expect(checked.ok ? null : `${file}: ${checked.problem}`).toBeNull();
    }
  }, 120_000);
});
