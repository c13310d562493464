/**
 * The loop's memory over many runs (issue 14): 52 runs of tdl (in-process, real git, real child
 * processes, the real octokit client against the loopback GitHub emulator) on a suite whose outcomes
 * a seeded script decides: a flaky test (fails then passes on retry in about 30% of runs, fails both
 * attempts now and then), a test broken from run 10, a regression in runs 20-24 fixed in run 25, a
 * remediation that deletes the broken test in run 40, a gate lowered in run 45 and retries raised in
 * run 47. Expected: no open/close cycle for the flaky test, the regression's issue closed once after
 * two clean runs, the broken test's issue open, every weakening caught by tests-not-weakened and no
 * false alarm before it, at most one comment per issue per run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import type { CriterionResult, StabilityData } from '../../src/phases/5-stability/types.js';
import { readMeta, testHash } from '../../src/phases/6-publish/markers.js';
import { startRun } from '../../src/pipeline/session.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { type TempProject, tempProject } from './helpers.js';

const RUNS = Number(process.env.TDL_MEMORY_RUNS ?? 52);
const TOKEN = `ghp_${'H'.repeat(36)}`;

/** mulberry32: a small seeded generator, so the flaky test's coin flips are the same every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = 'pass' | 'fail' | 'absent';
/** Per run: each test's outcome in attempt 1 and, when attempt 1 failed, attempt 2. */
function plan(): Record<string, [Outcome, Outcome]>[] {
  const flip = rng(14);
  const out: Record<string, [Outcome, Outcome]>[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const u = flip();
    const flaky: [Outcome, Outcome] =
      u < 0.3 ? ['fail', 'pass'] : run >= 15 && u >= 0.88 ? ['fail', 'fail'] : ['pass', 'pass'];
    out.push({
      stable: ['pass', 'pass'],
      flaky,
      broken: run < 10 ? ['pass', 'pass'] : run < 40 ? ['fail', 'fail'] : ['absent', 'absent'],
      regress: run >= 20 && run < 25 ? ['fail', 'fail'] : ['pass', 'pass'],
    });
  }
  return out;
}

const MESSAGES: Record<string, string> = {
  flaky: 'timed out waiting for the cache to warm',
  broken: 'expected the invoice total to be 42',
  regress: 'expected status 200, got 500',
};

function junit(outcomes: Record<string, Outcome>): { xml: string; failed: boolean } {
  const cases = Object.entries(outcomes).filter(([, o]) => o !== 'absent');
  const failures = cases.filter(([, o]) => o === 'fail');
  const body = cases
    .map(([name, o], i) =>
      o === 'pass'
        ? `<testcase classname="test/shop.test.js" name="${name}" time="0.012"/>`
        : `<testcase classname="test/shop.test.js" name="${name}" time="0.015"><failure type="AssertionError" message="${MESSAGES[name]}">AssertionError: ${MESSAGES[name]}\n    at check_${name} (test/shop.test.js:${10 + i}:5)</failure></testcase>`,
    )
    .join('\n');
  return {
    xml: `<?xml version="1.0"?>\n<testsuites><testsuite name="shop" tests="${cases.length}" failures="${failures.length}" errors="0" time="0.08">\n${body}\n</testsuite></testsuites>\n`,
    failed: failures.length > 0,
  };
}

const SOURCE = (withBroken: boolean) => `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('stable', () => { assert.equal(1 + 1, 2); });
test('flaky', () => { assert.ok(cacheWarm()); });
${withBroken ? "test('broken', () => { assert.equal(invoiceTotal(), 42); });\n" : ''}test('regress', () => { assert.equal(status(), 200); });
`;

const playbook = (scenario: string, gate: number, retries: number) => `name: memory-shop
suites:
  - id: shop
    command: [sh, -c, 'cp "${scenario}/attempt-$TDL_ATTEMPT.xml" "$TDL_REPORT_DIR/shop.xml"; exit $(cat "${scenario}/exit-$TDL_ATTEMPT")']
    report: { format: junit, path: "{reportDir}/shop.xml" }
    retries: ${retries}
    timeout: 60s
gates:
  - { afterTier: 1, minPassRate: ${gate} }
decision:
  notWeakened: always
github:
  repo: acme/memory
  labels: [tdl-memory]
  closeAfter: 2
`;

let emu: GitHubEmulator;
let project: TempProject;
let scenario: string;
const records: RunRecord[] = [];
const saved: Record<string, string | undefined> = {};

const criterion = (r: RunRecord, id: string): CriterionResult =>
  (r.phases.find((p) => p.id === 'stability')!.data as StabilityData).criteria.find((c) => c.id === id)!;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/memory'], tokens: [TOKEN] });
  scenario = mkdtempSync(join(tmpdir(), 'tdl-memory-scenario-'));
  project = await tempProject({
    'tdl.yaml': playbook(scenario, 0.5, 1),
    'test/shop.test.js': SOURCE(true),
    '.gitignore': 'worklogs/\n.tdl/\n',
  });
  const vars = {
    TDL_GITHUB_API_URL: emu.url,
    TDL_GITHUB_WRITE_SPACING_MS: '0',
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: '',
  };
  // The GitHub port reads its token and address from process.env (createGitHubPort), not from the
  // run's env: set them in this test file's own worker, and put them back after.
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const env = { ...process.env, CI: 'true' };
  const steps = plan();
  for (let run = 1; run <= RUNS; run++) {
    if (run === 40) project.write('test/shop.test.js', SOURCE(false)); // the remediation deletes the failing test
    if (run === 45) project.write('tdl.yaml', playbook(scenario, 0.3, 1)); // gate lowered
    if (run === 47) project.write('tdl.yaml', playbook(scenario, 0.3, 2)); // retries raised
    const step = steps[run - 1]!;
    for (const attempt of [1, 2, 3] as const) {
      const pick = Math.min(attempt, 2) - 1;
      const r = junit(Object.fromEntries(Object.entries(step).map(([name, o]) => [name, o[pick]!])));
      mkdirSync(scenario, { recursive: true });
      writeFileSync(join(scenario, `attempt-${attempt}.xml`), r.xml);
      writeFileSync(join(scenario, `exit-${attempt}`), r.failed ? '1' : '0');
    }
    records.push(
      await startRun(
        join(project.dir, 'tdl.yaml'),
        {
          focus: 'all',
          deploy: false,
          dryRun: false,
          publish: 'github',
          only: null,
          untilGreen: false,
          maxIterations: 1,
        },
        { cwd: project.dir, env, humanLog: null },
      ),
    );
  }
}, 900_000);

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await emu.close();
  project?.cleanup();
  rmSync(scenario, { recursive: true, force: true });
});

/** The issue filed for a test, found by the test hashes in its hidden meta marker. */
const issueFor = (test: string) =>
  emu.repo('acme/memory').issues.find((i) => {
    const meta = readMeta(i.body);
    return meta?.kind === 'child' && meta.tests.includes(testHash('shop', 'test/shop.test.js', test));
  })!;

describe(`${RUNS} runs against the GitHub emulator`, () => {
  it('ran them all, each with a decision, and kept the history', () => {
    // Which issues exist, for a reader of a failure.
    const titles = emu.repo('acme/memory').issues.map((i) => `#${i.number} ${i.state} ${i.title}`);
    const publish = records[19]!.phases.find((p) => p.id === 'publish')!;
    expect(titles.length, `${titles.join('\n')}\nrun 20 publish: ${publish.state} ${publish.reason}`).toBe(4);
    expect(records).toHaveLength(RUNS);
    expect(records.every((r) => r.decision !== null)).toBe(true);
    const last = records[RUNS - 1]!;
    expect(
      readFileSync(join(project.dir, 'worklogs', 'history', 'memory-shop', 'outcomes.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(RUNS);
    expect(last.phases.find((p) => p.id === 'run-tests')!.state).toBe('completed');
  });

  it('the flaky test is judged flaky, and its issue never closes and reopens', () => {
    const health = (
      records[30]!.phases.find((p) => p.id === 'run-tests')!.data as {
        health: { tests: { label: string; health: string; runs: string[] }[] };
      }
    ).health;
    const flaky = health.tests.find((t) => t.label.endsWith('› flaky'))!;
    expect(flaky.health).toBe('flaky');
    expect(flaky.runs.length).toBeGreaterThanOrEqual(2);
    const issue = issueFor('flaky');
    expect(
      issue,
      'the seeded flaky test failed both attempts at least once, so it has an issue',
    ).toBeTruthy();
    expect(issue.state).toBe('open');
    expect(issue.comments.filter((c) => c.body.includes(':resolved -->'))).toHaveLength(0);
    expect(issue.comments.filter((c) => c.body.includes(':failing-again -->'))).toHaveLength(0);
  });

  it('the regression is filed in run 20, closed once after two clean runs (26), and stays closed', () => {
    const issue = issueFor('regress');
    expect(readMeta(issue.body)!.run).toBe(records[19]!.runId);
    expect(issue.state).toBe('closed');
    const resolved = issue.comments.filter((c) => c.body.includes(':resolved -->'));
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.body).toContain(records[25]!.runId);
    expect(issue.comments.filter((c) => c.body.includes(':failing-again -->'))).toHaveLength(0);
  });

  it('the broken test is judged broken and its issue stays open after the test was deleted', () => {
    const health = (
      records[20]!.phases.find((p) => p.id === 'run-tests')!.data as {
        health: { tests: { label: string; health: string }[] };
      }
    ).health;
    expect(health.tests.find((t) => t.label.endsWith('› broken'))!.health).toBe('broken');
    expect(issueFor('broken').state).toBe('open');
  });

  it('catches every weakening and raises no false alarm before the first', () => {
    const verdicts = records.map((r) => criterion(r, 'tests-not-weakened'));
    const before = verdicts.slice(1, 39).filter((c) => c.verdict !== 'pass');
    expect(before.map((c) => c.evidence.join(' | '))).toEqual([]);
    const at = (run: number) => verdicts[run - 1]!.evidence.join('\n');
    expect(verdicts[39]!.verdict).toBe('fail');
    expect(at(40)).toContain('`shop` › test/shop.test.js › broken ran in');
    expect(at(40)).toContain('test "broken" removed from `test/shop.test.js`');
    expect(at(45)).toContain('gate after tier 1 lowered from 0.5 to 0.3');
    expect(at(47)).toContain('suite `shop` retries raised from 1 to 2');
    // Against the base, an uncommitted weakening stays a weakening in every later run.
    expect(verdicts.slice(39).every((c) => c.verdict === 'fail')).toBe(true);
    expect(records.slice(39).every((r) => r.decision!.decision === 'defer')).toBe(true);
  });

  it('comments at most once per issue per run', () => {
    for (const issue of emu.repo('acme/memory').issues) {
      const runs = issue.comments.map((c) => /tdl:comment=([^:]+):/.exec(c.body)?.[1]).filter(Boolean);
      expect(new Set(runs).size, `#${issue.number}`).toBe(runs.length);
    }
  });
});
