import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.js';
import { buildHistory } from '../../src/history/model.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { expandChunk } from '../../src/playbook/placeholders.js';
import { globFiles, wholeSuiteCommand } from '../../src/playbook/split.js';
import { parseShard, shardFromEnv } from '../../src/shard/document.js';
import { recordedDurations } from '../../src/shard/durations.js';
import {
  balanceOf,
  DEFAULT_FILE_MS,
  DEFAULT_SUITE_MS,
  lpt,
  type PlanSuiteInput,
  planTier,
  planTiers,
} from '../../src/shard/plan.js';

const files = (n: number) => Array.from({ length: n }, (_, i) => `t/${String(i).padStart(2, '0')}.test.js`);

describe('lpt', () => {
  it.each([
    // units, shards, expected loads (sorted)
    [[5, 4, 3, 3, 3], 2, [8, 10]],
    [[7, 7, 7], 3, [7, 7, 7]],
    [[10, 1, 1, 1], 2, [3, 10]],
    [[1, 1, 1, 1, 1, 1], 4, [1, 1, 2, 2]],
  ])('deals %j over %i shards longest first', (ms, shards, loads) => {
    const units = ms.map((m, i) => ({ ms: m, key: String(i) }));
    const at = lpt(units, shards);
    const got = new Array(shards).fill(0);
    at.forEach((s, i) => {
      got[s] += units[i]!.ms;
    });
    expect([...got].sort((a, b) => a - b)).toEqual(loads);
  });

  it('is deterministic: ties are broken by key, then by the lowest shard', () => {
    const units = ['c', 'a', 'b'].map((key) => ({ ms: 1, key }));
    expect(lpt(units, 3)).toEqual([2, 0, 1]);
  });
});

describe('balanceOf', () => {
  it('measures against total/shards, or the longest unit when that is larger', () => {
    expect(balanceOf([10, 10], 3)).toMatchObject({ idealMs: 10, slowestMs: 10, ratio: 1 });
    expect(balanceOf([12, 8], 3).ratio).toBeCloseTo(1.2);
    expect(balanceOf([20, 2], 20)).toMatchObject({ idealMs: 20, ratio: 1 });
    expect(balanceOf([0, 0], 0).ratio).toBe(1);
  });
});

describe('planTier', () => {
  it('keeps an unsplit suite whole and spreads file chunks, one chunk per suite and shard', () => {
    const fileMs = new Map(files(6).map((f, i) => [f, (i + 1) * 100]));
    const suites: PlanSuiteInput[] = [
      { id: 'whole', tier: 1, split: null, knownMs: 700 },
      { id: 'byfile', tier: 1, split: { by: 'files', files: files(6) }, knownMs: 2100, fileMs },
    ];
    const plan = planTier(1, suites, 2, null);
    expect(plan.chunks.map((c) => c.id)).toEqual(['whole', 'byfile#1', 'byfile#2']);
    // Every file is in exactly one chunk.
    const all = plan.chunks.flatMap((c) => c.files ?? []);
    expect(all.sort()).toEqual(files(6));
    expect(plan.shards.map((s) => s.plannedMs).reduce((a, b) => a + b)).toBe(2800);
    expect(plan.balance.slowestMs).toBe(1400);
    expect(plan.balance.ratio).toBe(1);
    expect(plan.estimates).toEqual([]);
    expect(plan.chunks.every((c) => !c.estimated)).toBe(true);
  });

  it('estimates unknown files from the known ones of the suite, and says so', () => {
    const fileMs = new Map([
      [files(4)[0]!, 100],
      [files(4)[1]!, 300],
    ]);
    const plan = planTier(
      1,
      [{ id: 's', tier: 1, split: { by: 'files', files: files(4) }, knownMs: 400, fileMs }],
      2,
      null,
    );
    expect(plan.estimates).toEqual([
      's: 2 of 4 file(s) have no recorded duration; estimated at 200 ms each (the median of its 2 recorded file(s))',
    ]);
    expect(plan.shards.map((s) => s.plannedMs).reduce((a, b) => a + b)).toBe(800);
    expect(plan.chunks.some((c) => c.estimated)).toBe(true);
  });

  it('spreads a known suite total over files none of which is known, else uses the file default', () => {
    const spread = planTier(
      1,
      [{ id: 's', tier: 1, split: { by: 'files', files: files(4) }, knownMs: 4000 }],
      2,
      null,
    );
    expect(spread.estimates[0]).toContain('1000 ms each (its recorded total spread over its files)');
    const none = planTier(
      1,
      [{ id: 's', tier: 1, split: { by: 'files', files: files(3) }, knownMs: null }],
      2,
      null,
    );
    expect(none.estimates[0]).toContain(
      `${DEFAULT_FILE_MS} ms each (the default for a file without history)`,
    );
  });

  it('cuts a runner-split suite into runner shards of equal share, each its own chunk', () => {
    const plan = planTier(
      1,
      [{ id: 'r', tier: 1, split: { by: 'runner', chunks: 0 }, knownMs: 900 }],
      3,
      null,
    );
    expect(plan.chunks.map((c) => [c.id, c.shard, c.runner, c.estimateMs])).toEqual([
      ['r#1/3', 1, { index: 1, count: 3 }, 300],
      ['r#2/3', 2, { index: 2, count: 3 }, 300],
      ['r#3/3', 3, { index: 3, count: 3 }, 300],
    ]);
  });

  it('estimates an unknown suite from the median of the known suites', () => {
    const plan = planTiers(
      [
        { id: 'a', tier: 1, split: null, knownMs: 100 },
        { id: 'b', tier: 1, split: null, knownMs: 300 },
        { id: 'c', tier: 2, split: null, knownMs: null },
      ],
      2,
    );
    expect(plan.map((t) => t.tier)).toEqual([1, 2]);
    expect(plan[1]!.chunks[0]).toMatchObject({ id: 'c', estimateMs: 200, estimated: true });
    expect(plan[1]!.estimates[0]).toContain('the median of the recorded suites');
    const alone = planTiers([{ id: 'x', tier: 1, split: null, knownMs: null }], 1);
    expect(alone[0]!.chunks[0]!.estimateMs).toBe(DEFAULT_SUITE_MS);
  });

  it('gives shards with nothing to do an empty list', () => {
    const plan = planTier(1, [{ id: 'one', tier: 1, split: null, knownMs: 5 }], 3, null);
    expect(plan.shards.map((s) => s.chunks)).toEqual([['one'], [], []]);
  });
});

describe('recordedDurations', () => {
  it('takes each test’s newest recorded duration and sums it per suite and group', () => {
    const ids = [
      's\u0000a.test.js\u0000one',
      's\u0000a.test.js\u0000two',
      's\u0000b.test.js\u0000x',
      'u\u0000g\u0000y',
    ];
    const run = (run: string) => ({
      v: 1,
      run,
      at: '',
      playbook: 'p',
      commit: null,
      branch: null,
      revisions: {},
      dryRun: false,
      tests: true,
      row: {} as never,
    });
    const history = buildHistory(
      ids,
      [run('new'), run('old')],
      [
        { v: 1, run: 'new', s: 'pp.p', d: '10,,30,', executed: {} },
        { v: 1, run: 'old', s: 'pppp', d: '99,20,99,7', executed: {} },
      ],
    );
    const d = recordedDurations(history);
    expect(d.suites.get('s')).toBe(60);
    expect(d.suites.get('u')).toBe(7);
    expect(d.groups.get('s')?.get('a.test.js')).toBe(30);
    expect(d.groups.get('s')?.get('b.test.js')).toBe(30);
  });
});

describe('expandChunk', () => {
  it('puts files in place of a {files} argument and fills the runner shard', () => {
    expect(expandChunk(['node', '--test', '{files}'], { files: ['a.js', 'b.js'] })).toEqual([
      'node',
      '--test',
      'a.js',
      'b.js',
    ]);
    expect(expandChunk(['sh', '-c', 'run {files}'], { files: ['a.js', 'b.js'] })).toEqual([
      'sh',
      '-c',
      'run a.js b.js',
    ]);
    expect(
      expandChunk(['vitest', '--shard={shardIndex}/{shardCount}'], { runner: { index: 2, count: 4 } }),
    ).toEqual(['vitest', '--shard=2/4']);
    expect(expandChunk(['x', '{files}'], {})).toEqual(['x', '{files}']);
  });
});

describe('shards from the command line and from Cloud Run', () => {
  it('reads i/N, 1-based', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0'])
      expect(() => parseShard(bad)).toThrow(/expected i\/N with 1 ≤ i ≤ N/);
  });

  it('defaults from CLOUD_RUN_TASK_INDEX (0-based) and CLOUD_RUN_TASK_COUNT', () => {
    expect(shardFromEnv({ CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '3' })).toEqual({
      index: 1,
      count: 3,
    });
    expect(shardFromEnv({ CLOUD_RUN_TASK_INDEX: '2', CLOUD_RUN_TASK_COUNT: '3' })).toEqual({
      index: 3,
      count: 3,
    });
    expect(shardFromEnv({})).toBeNull();
    expect(() => shardFromEnv({ CLOUD_RUN_TASK_INDEX: '3', CLOUD_RUN_TASK_COUNT: '3' })).toThrow(
      /CLOUD_RUN_TASK_INDEX/,
    );
  });
});

describe('split in the playbook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-split-'));
  mkdirSync(join(dir, '.git'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const playbook = (command: string, split: string) => `name: x
suites:
  - id: e2e
    command: ${command}
    split: ${split}
`;

  it('needs {files} in the command of a suite split by files, and {shardIndex} for one split by runner', () => {
    const problems = (text: string) => {
      try {
        parsePlaybook(text, join(dir, 'p.yaml'));
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(PlaybookError);
        return (error as PlaybookError).problems.map((p) => `${p.line}: ${p.message}`);
      }
    };
    expect(problems(playbook('[node, --test, "{files}"]', '{ by: files, glob: "t/*.js" }'))).toEqual([]);
    expect(
      problems(playbook('[npx, vitest, "--shard={shardIndex}/{shardCount}"]', '{ by: runner }')),
    ).toEqual([]);
    expect(problems(playbook('[node, --test]', '{ by: files, glob: "t/*.js" }'))).toEqual([
      "4: split by files needs {files} in the command (where the shard's files go)",
    ]);
    expect(problems(playbook('[npx, vitest]', '{ by: runner }'))).toEqual([
      "4: split by runner needs {shardIndex} in the command (where the shard's runner shard goes)",
    ]);
    expect(problems(playbook('[x]', '{ by: tests }'))[0]).toMatch(/^5: /);
  });

  it('runs a split suite whole in an unsharded run: every file, runner shard 1/1', () => {
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    for (const f of ['t/b.test.js', 't/a.test.js', 't/sub/c.test.js', 't/readme.md'])
      writeFileSync(join(dir, f), '');
    expect(globFiles(dir, 't/**/*.test.js')).toEqual(['t/a.test.js', 't/b.test.js', 't/sub/c.test.js']);
    expect(
      wholeSuiteCommand({ command: ['node', '{files}'], split: { by: 'files', glob: 't/*.test.js' } }, dir),
    ).toEqual(['node', 't/a.test.js', 't/b.test.js']);
    expect(
      wholeSuiteCommand(
        { command: ['v', '--shard={shardIndex}/{shardCount}'], split: { by: 'runner' } },
        dir,
      ),
    ).toEqual(['v', '--shard=1/1']);
    expect(wholeSuiteCommand({ command: ['x'] }, dir)).toEqual(['x']);
  });
});
