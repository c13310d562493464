/**
 * The loop's memory over many runs (issue 14): 52 runs of tdl (in-process, real git, real child
 * processes, the real octokit client against the loopback GitHub emulator) on a suite whose outcomes
 * a seeded script decides: a flaky test (fails then passes on retry in about 30% of runs, fails both
 * attempts now and then), a test broken from run 10, a regression in runs 20-24 fixed in run 25, a
 * remediation that deletes the broken test in run 40, a gate lowered in run 45 and retries raised in
 * run 47. Expected: no open/close cycle for the flaky test, the regression's issue closed once after
 * two clean runs, the broken test's issue open, every weakening caught by tests-not-weakened and no
 * false alarm before it, at most one comment per issue per run.
 *
 * Quarantine (a clock steps one day per run, from 2026-03-02): `sometimes` fails every fourth run and
 * is quarantined until 2026-03-31 (run 30), so its failures count only from run 31; `broken` is
 * quarantined too (until 2027), which hides its first two failing runs (10, 11) and no more: from run
 * 12 it is broken and counts again.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { CriterionResult } from '../../src/phase-data/stability.js';
import { startRun } from '../../src/pipeline/session.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta, testHash } from '../../src/services/issue-markers.js';
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
      sometimes: run % 4 === 2 ? ['fail', 'fail'] : ['pass', 'pass'],
    });
  }
  return out;
}

const MESSAGES: Record<string, string> = {
  flaky: 'timed out waiting for the cache to warm',
  broken: 'expected the invoice total to be 42',
  regress: 'expected status 200, got 500',
  sometimes: 'socket hang up while the queue drained',
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
test('sometimes', () => { assert.ok(drainQueue()); });
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
quarantine:
  - { test: 'shop › * › sometimes', reason: 'queue race, being fixed', owner: ana, until: '2026-03-31' }
  - { test: 'shop › test/shop.test.js › broken', reason: 'looked flaky at first', owner: bo, until: '2027-01-01' }
`;

/** Run k (1-based) happens on 2026-03-01 plus k days. */
const DAY = 86_400_000;
const dayOf = (run: number) => new Date(Date.UTC(2026, 2, 1) + run * DAY);

let emu: GitHubEmulator;
let project: TempProject;
let scenario: string;
const records: RunRecord[] = [];

const criterion = (r: RunRecord, id: string): CriterionResult =>
  phaseData(r, 'stability')!.criteria.find((c) => c.id === id)!;

beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: ['acme/memory'], tokens: [TOKEN] });
  scenario = mkdtempSync(join(tmpdir(), 'tdl-memory-scenario-'));
  project = await tempProject({
    'tdl.yaml': playbook(scenario, 0.5, 1),
    'test/shop.test.js': SOURCE(true),
    '.gitignore': 'worklogs/\n.tdl/\n',
  });
  // The GitHub client takes its token and address from the run's env (createPorts passes it on).
  const env = {
    ...process.env,
    CI: 'true',
    TDL_GITHUB_API_URL: emu.url,
    TDL_GITHUB_WRITE_SPACING_MS: '0',
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: '',
  };
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
    const t0 = Date.now();
    const clock = { now: () => new Date(dayOf(run).getTime() + (Date.now() - t0)) };
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
        { cwd: project.dir, env, humanLog: null, clock },
      ),
    );
  }
}, 900_000);

afterAll(async () => {
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
    expect(titles.length, `${titles.join('\n')}\nrun 20 publish: ${publish.state} ${publish.reason}`).toBe(5);
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
    const health = phaseData(records[30]!, 'run-tests')!.health!;
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
    const health = phaseData(records[20]!, 'run-tests')!.health!;
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

  const testsData = (run: number) => phaseData(records[run - 1]!, 'run-tests')!;
  const findings = (run: number) => records[run - 1]!.phases.find((p) => p.id === 'run-tests')!.findings;

  it('a quarantined failure is reported and listed, not counted, until its entry expires', () => {
    // Run 6: `sometimes` failed both attempts; the quarantine keeps it out of the gate and the decision.
    const q6 = testsData(6).quarantine!;
    expect(q6.failures).toEqual([
      expect.objectContaining({
        label: 'shop › test/shop.test.js › sometimes',
        owner: 'ana',
        counted: false,
      }),
    ]);
    expect(testsData(6).counts.failed).toBeGreaterThanOrEqual(1); // still reported
    expect(testsData(6).suites[0]!.verdict).toBe('pass');
    expect(criterion(records[5]!, 'no-regressions').evidence.join('\n')).toContain(
      'quarantined, listed not counted: `shop › test/shop.test.js › sometimes` (ana)',
    );
    expect(criterion(records[5]!, 'gates-passed').verdict).toBe('pass');
    const md6 = readFileSync(records[5]!.worklog!.markdown, 'utf8');
    expect(md6).toContain('**Quarantine**');
    expect(md6).toMatch(
      /`shop › test\/shop\.test\.js › sometimes` \| failed \| `shop › \* › sometimes` \| ana \|/,
    );
    expect(md6).toContain('quarantine: 1 quarantined failure(s) not counted');
    // Every quarantined failing run up to the last day of the entry (run 30) was held back.
    for (const run of [2, 6, 14, 18, 26, 30])
      expect(
        testsData(run).quarantine!.failures.find((f) => f.label.endsWith('sometimes'))!.counted,
        `run ${run}`,
      ).toBe(false);
    expect(findings(30).filter((f) => f.kind === 'quarantine-expired')).toEqual([]);
  });

  it('an expired quarantine counts again, with a finding', () => {
    for (const run of [31, 33])
      expect(
        findings(run).map((f) => f.kind),
        `run ${run}`,
      ).toContain('quarantine-expired');
    // Run 34: `sometimes` fails after the entry expired: counted, a regression, the run defers.
    const f34 = testsData(34).quarantine!.failures.find((f) => f.label.endsWith('sometimes'))!;
    expect(f34).toMatchObject({ counted: true, why: 'quarantine expired after 2026-03-31' });
    expect(testsData(34).suites[0]!.verdict).toBe('fail');
    const reg = criterion(records[33]!, 'no-regressions');
    expect(reg.verdict).toBe('fail');
    expect(reg.evidence.join('\n')).toContain('sometimes: passed in');
    expect(records[33]!.decision!.decision).toBe('defer');
  });

  it('a quarantine never hides a broken test: held for runs 10-11, counted from run 12', () => {
    const broken = (run: number) =>
      testsData(run).quarantine!.failures.find((f) => f.label.endsWith('broken'))!;
    expect(broken(10).counted).toBe(false);
    expect(broken(11).counted).toBe(false);
    expect(broken(12)).toMatchObject({ counted: true });
    expect(broken(12).why).toContain('broken');
    expect(findings(12).map((f) => f.kind)).toContain('quarantine-broken');
    expect(findings(11).map((f) => f.kind)).not.toContain('quarantine-broken');
    expect(criterion(records[11]!, 'gates-passed').verdict).toBe('fail');
  });

  it('comments at most once per issue per run', () => {
    for (const issue of emu.repo('acme/memory').issues) {
      const runs = issue.comments.map((c) => /tdl:comment=([^:]+):/.exec(c.body)?.[1]).filter(Boolean);
      expect(new Set(runs).size, `#${issue.number}`).toBe(runs.length);
    }
  });
});
