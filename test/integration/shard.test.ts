/**
 * Sharded runs end to end with real processes (issue 20): `tdl plan`, `tdl run --plan … --shard i/N`,
 * `tdl merge --tier` / `--finish`, and `tdl run --executor local --shards N`. The merged run must equal
 * the unsharded run of the same tests; a missing, duplicated or foreign partial, and a shard killed
 * mid-suite, make the tier inconclusive (NO-GO), never pass.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseResult } from '../../src/phase-data/index.js';
import type { PlanDocument } from '../../src/shard/document.js';
import type { TierSummary } from '../../src/shard/summary.js';
import { CLI, type TempProject, tdl, tempProject } from './helpers.js';
import { truth } from './shard-truth.js';

const JUNIT = (id: string) => [
  'node',
  '--test',
  '--test-reporter=junit',
  `"--test-reporter-destination={reportDir}/${id}.xml"`,
];

const PLAYBOOK = `name: shard-it
suites:
  - id: alpha
    tier: 1
    command: [${JUNIT('alpha').join(', ')}, "{files}"]
    report: { format: junit, path: "{reportDir}/alpha.xml" }
    split: { by: files, glob: "test/a/*.test.js" }
    timeout: 60s
  - id: gamma
    tier: 1
    command: [${JUNIT('gamma').join(', ')}, test/g/]
    report: { format: junit, path: "{reportDir}/gamma.xml" }
    timeout: 60s
  - id: beta
    tier: 2
    command: [${JUNIT('beta').join(', ')}, test/b/]
    report: { format: junit, path: "{reportDir}/beta.xml" }
    timeout: 60s
gates:
  - { afterTier: 1, minPassRate: 0.8 }
`;

// Tier 1 of kill.yaml: two files split over two shards; the second writes a marker when it runs and
// waits until the test releases it (the test kills its shard in between).
const KILL_PLAYBOOK = `name: shard-kill
suites:
  - id: slow
    tier: 1
    command: [${JUNIT('slow').join(', ')}, "{files}"]
    report: { format: junit, path: "{reportDir}/slow.xml" }
    split: { by: files, glob: "test/k/*.test.js" }
    timeout: 60s
gates:
  - { afterTier: 1, minPassRate: 0.5 }
`;

const test = (body: string) => `import { test } from 'node:test';
import assert from 'node:assert/strict';
${body}
`;

const FILES: Record<string, string> = {
  'tdl.yaml': PLAYBOOK,
  'kill.yaml': KILL_PLAYBOOK,
  'test/g/g.test.js': test(`test('g one', () => assert.ok(true));`),
  'test/b/b.test.js': test(`test('b ok', () => assert.ok(true));
test('b fails', () => assert.equal(1, 2, 'one is not two'));`),
  'test/k/a-quick.test.js': test(`test('quick', () => assert.ok(true));`),
  'test/k/b-slow.test.js': test(`import { existsSync, writeFileSync } from 'node:fs';
test('slow', async () => {
  writeFileSync(process.env.MARK_DIR + '/started', String(process.pid));
  while (!existsSync(process.env.MARK_DIR + '/release')) await new Promise((r) => setTimeout(r, 50));
});`),
};
for (let i = 1; i <= 5; i++)
  FILES[`test/a/t${i}.test.js`] = test(`test('a${i} one', () => assert.ok(true));
test('a${i} two', () => assert.ok(${i} !== 5, 'five fails'));`);

let unsharded: TempProject;
let sharded: TempProject;

beforeAll(async () => {
  [unsharded, sharded] = await Promise.all([tempProject(FILES), tempProject(FILES)]);
});
afterAll(() => {
  unsharded?.cleanup();
  sharded?.cleanup();
});

const json = <T>(stdout: unknown): T => JSON.parse(String(stdout)) as T;

describe('a sharded run equals the unsharded run of the same tests', () => {
  let plain: RunRecord;
  let local: RunRecord;
  let localExit: number | undefined;

  beforeAll(async () => {
    const [a, b] = await Promise.all([
      tdl(unsharded.dir, ['run', '--json', '--publish', 'none']),
      // --shards alone: the local executor is the default.
      tdl(sharded.dir, ['run', '--shards', '3', '--json', '--publish', 'none']),
    ]);
    plain = json<RunRecord>(a.stdout);
    local = json<RunRecord>(b.stdout);
    localExit = b.exitCode;
  }, 180_000);

  it('has the same counts, suites, tests, gates, clusters, decision and exit code', () => {
    expect(truth(plain).tests.length).toBe(13);
    expect(truth(local)).toEqual(truth(plain));
    expect(localExit).toBe(plain.exitCode);
    expect(plain.decision?.decision).toBe('defer');
  });

  it('writes one worklog with the per-shard table, and one history line', () => {
    expect(local.worklog).toBeDefined();
    const md = readFileSync(local.worklog!.markdown, 'utf8');
    expect(md).toContain('**Shards**');
    expect(md).toMatch(
      /\| 1 \| \d\/3 \| completed \| [^|]*`alpha#1`[^|]*\| [\d.]+ m?s \| [\d.]+ m?s \| \S+ \|/,
    );
    const runs = readFileSync(join(sharded.dir, 'worklogs/history/shard-it/runs.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(runs.filter((l) => l.includes(local.runId))).toHaveLength(1);
    const data = phaseResult(local, 'run-tests')!.data!;
    expect(data.sharding?.tiers.map((t) => t.rows.length)).toEqual([3, 3]);
    expect(data.sharding?.tiers[0]?.balance?.ratio).toBeGreaterThanOrEqual(1);
  });

  it('plans the next run from the durations history recorded, and says what it estimated', async () => {
    const r = await tdl(sharded.dir, ['plan', '--shards', '2', '--json']);
    expect(r.exitCode).toBe(0);
    const plan = json<PlanDocument>(r.stdout);
    expect(plan.tiers.map((t) => t.tier)).toEqual([1, 2]);
    const alpha = plan.tiers[0]!.chunks.filter((c) => c.suite === 'alpha');
    expect(alpha.flatMap((c) => c.files ?? []).sort()).toEqual(
      [1, 2, 3, 4, 5].map((i) => `test/a/t${i}.test.js`),
    );
    // node:test JUnit groups by test, not by file: files are estimated from the suite's recorded total.
    expect(plan.tiers[0]!.estimates.join('\n')).toMatch(
      /alpha: 5 of 5 file\(s\) have no recorded duration; estimated at \d+ ms each \(its recorded total spread over its files\)/,
    );
    expect(plan.tiers[1]!.estimates).toEqual([]);
  }, 180_000);
});

describe('plan, shards and merge as separate steps', () => {
  let planFile: string;
  let plan: PlanDocument;
  const partial = (tier: number, i: number) => join(sharded.dir, `p/t${tier}-${i}.json`);

  beforeAll(async () => {
    planFile = join(sharded.dir, 'plan.json');
    const r = await tdl(sharded.dir, ['plan', '--shards', '2', '--out', planFile, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    plan = json<PlanDocument>(r.stdout);
    const shards = await Promise.all(
      [1, 2].map((i) =>
        tdl(sharded.dir, [
          'run',
          '--plan',
          planFile,
          '--tier',
          '1',
          '--shard',
          `${i}/2`,
          '--out',
          partial(1, i),
          '--json',
        ]),
      ),
    );
    for (const s of shards) expect(s.exitCode, String(s.stderr)).toBeLessThanOrEqual(1);
  }, 180_000);

  const merge = async (files: string[]) => {
    const r = await tdl(sharded.dir, ['merge', '--plan', planFile, '--tier', '1', '--json', ...files]);
    return { exitCode: r.exitCode, summary: json<TierSummary>(r.stdout) };
  };

  it('a partial holds no absolute path of the machine that ran it (it travels as an artifact)', () => {
    for (const i of [1, 2]) {
      const text = readFileSync(partial(1, i), 'utf8');
      expect(text).not.toContain(sharded.dir);
      const doc = JSON.parse(text) as { chunks: { suite: { logFile: string | null } }[] };
      for (const c of doc.chunks) expect(c.suite.logFile).toMatch(/^\.tdl\/runs\//);
    }
  });

  it('a complete tier: its gate decides, GO with exit 0', async () => {
    const { exitCode, summary } = await merge([partial(1, 1), partial(1, 2)]);
    expect(summary).toMatchObject({ complete: true, go: true, runId: plan.runId, gate: { verdict: 'pass' } });
    expect(summary.counts).toMatchObject({ passed: 10, failed: 1 });
    expect(exitCode).toBe(0);
  });

  it('a missing partial: inconclusive, NO-GO, exit 1', async () => {
    const { exitCode, summary } = await merge([partial(1, 1)]);
    expect(summary).toMatchObject({ complete: false, go: false, gate: { verdict: 'inconclusive' } });
    expect(summary.findings.map((f) => f.kind)).toEqual(['missing-chunk']);
    expect(exitCode).toBe(1);
  });

  it('a duplicated partial: inconclusive, NO-GO', async () => {
    copyFileSync(partial(1, 2), join(sharded.dir, 'p/copy.json'));
    const { exitCode, summary } = await merge([
      partial(1, 1),
      partial(1, 2),
      join(sharded.dir, 'p/copy.json'),
    ]);
    expect(summary.complete).toBe(false);
    expect(new Set(summary.findings.map((f) => f.kind))).toEqual(
      new Set(['duplicate-partial', 'duplicate-chunk']),
    );
    expect(summary.counts).toMatchObject({ passed: 10, failed: 1 });
    expect(exitCode).toBe(1);
  });

  it('a foreign partial (a shard of another plan): inconclusive, NO-GO', async () => {
    const other = join(sharded.dir, 'other-plan.json');
    expect((await tdl(sharded.dir, ['plan', '--shards', '2', '--out', other, '--json'])).exitCode).toBe(0);
    const foreign = join(sharded.dir, 'p/foreign.json');
    await tdl(sharded.dir, ['run', '--plan', other, '--tier', '1', '--shard', '2/2', '--out', foreign]);
    expect(existsSync(foreign)).toBe(true);
    const { exitCode, summary } = await merge([partial(1, 1), partial(1, 2), foreign]);
    expect(summary.complete).toBe(false);
    expect(summary.findings.map((f) => f.kind)).toEqual(['foreign-partial']);
    expect(exitCode).toBe(1);
  }, 180_000);

  it('a shard killed mid-suite: no partial, the tier inconclusive, the finished run defers', async () => {
    const killPlan = join(sharded.dir, 'kill-plan.json');
    const p = await tdl(sharded.dir, [
      'plan',
      '-p',
      'kill.yaml',
      '--shards',
      '2',
      '--out',
      killPlan,
      '--json',
    ]);
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const chunks = json<PlanDocument>(p.stdout).tiers[0]!.chunks;
    expect(chunks.map((c) => [c.shard, c.files])).toEqual([
      [1, ['test/k/a-quick.test.js']],
      [2, ['test/k/b-slow.test.js']],
    ]);
    const marks = join(sharded.dir, 'marks');
    const env = { CI: 'true', NO_COLOR: '1', MARK_DIR: marks };
    const { mkdirSync } = await import('node:fs');
    mkdirSync(marks, { recursive: true });
    const out = (i: number) => join(sharded.dir, `p/kill-${i}.json`);
    const first = await tdl(sharded.dir, [
      'run',
      '--plan',
      killPlan,
      '--tier',
      '1',
      '--shard',
      '1/2',
      '--out',
      out(1),
      '-p',
      'kill.yaml',
    ]);
    expect(first.exitCode, String(first.stderr)).toBe(0);
    const shard = execa(
      process.execPath,
      [CLI, 'run', '--plan', killPlan, '--tier', '1', '--shard', '2/2', '--out', out(2), '-p', 'kill.yaml'],
      {
        cwd: sharded.dir,
        env,
        reject: false,
      },
    );
    // Mid-suite: the slow test has started (it wrote its marker).
    while (!existsSync(join(marks, 'started'))) await new Promise((r) => setTimeout(r, 25));
    shard.kill('SIGKILL');
    const killed = await shard;
    writeFileSync(join(marks, 'release'), '');
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(out(2))).toBe(false);

    const m = await tdl(sharded.dir, [
      'merge',
      '--plan',
      killPlan,
      '--tier',
      '1',
      '--json',
      '-p',
      'kill.yaml',
      out(1),
    ]);
    const summary = json<TierSummary>(m.stdout);
    expect(summary).toMatchObject({ complete: false, go: false, gate: { verdict: 'inconclusive' } });
    expect(summary.counts).toMatchObject({ passed: 1, failed: 0 });
    expect(m.exitCode).toBe(1);

    const f = await tdl(sharded.dir, [
      'merge',
      '--plan',
      killPlan,
      '--finish',
      '--publish',
      'none',
      '--json',
      '-p',
      'kill.yaml',
      out(1),
    ]);
    const record = json<RunRecord>(f.stdout);
    const phase = phaseResult(record, 'run-tests')!;
    expect(phase.verdict).toBe('inconclusive');
    expect(phase.data!.tiers[0]).toMatchObject({ state: 'errored', gate: { verdict: 'inconclusive' } });
    expect(phase.findings.map((x) => x.kind)).toContain('missing-chunk');
    expect(record.decision?.decision).toBe('defer');
    expect(f.exitCode).toBe(1);
  }, 180_000);

  it('bad input is a one-line usage error with exit 2', async () => {
    writeFileSync(join(sharded.dir, 'bad-plan.json'), '{"kind":"tdl-plan"}');
    const cases = [
      ['run', '--plan', 'bad-plan.json', '--tier', '1', '--shard', '1/2'],
      ['run', '--plan', planFile, '--tier', '9', '--shard', '1/2'],
      ['run', '--plan', planFile, '--tier', '1', '--shard', '3/2'],
      ['run', '--plan', planFile, '--tier', '1', '--shard', '1/3'],
      ['run', '--plan', planFile, '--tier', '1'],
      ['merge', '--tier', '1', partial(1, 1)],
      ['run', '--executor', 'elsewhere'],
      // An option a sharded run does not take is said, never ignored (a dry run must not run suites).
      ['run', '--shards', '2', '--dry-run'],
      ['run', '--executor', 'local', '--shards', '2', '--until-green'],
      ['run', '--plan', planFile, '--tier', '1', '--shard', '1/2', '--dry-run'],
      ['run', '--plan', planFile, '--tier', '1', '--shard', '1/2', '--shards', '2'],
    ];
    for (const args of cases) {
      const r = await tdl(sharded.dir, args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(String(r.stderr)).toMatch(/^tdl: .+(\nhint: .+)?$/);
    }
  }, 180_000);
});
