/**
 * Phase data is checked once, when a stored record is loaded: each phase's data against its phase's
 * schema (src/phase-data/record.ts), after which readers get it typed by the phase id with no cast.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { CloudRunCondition, TrafficEntry } from '../../src/adapters/cloudrun/port.js';
import type { ExternalRun } from '../../src/audit/external.js';
import type { RuleSummary, ScopeScore } from '../../src/audit/score.js';
import type { Violation } from '../../src/audit/types.js';
import type { RunRecord } from '../../src/core/record.js';
import { compactRecord, parseStoredRecord } from '../../src/history/compact.js';
import { phaseData, phaseResult } from '../../src/phase-data/index.js';
import {
  checkStoredRecord,
  runRecordJsonSchema,
  storedPhaseResultSchema,
} from '../../src/phase-data/record.js';
import type {
  cloudRunConditionSchema,
  countsSchema,
  externalRunSchema,
  ruleSummarySchema,
  scopeScoreSchema,
  testCaseSchema,
  trafficEntrySchema,
  violationSchema,
} from '../../src/phase-data/shared.js';
import { PHASES } from '../../src/phases/index.js';
import type { Counts, TestCase } from '../../src/results/model.js';
import {
  PARTIAL_KIND,
  PLAN_KIND,
  parsePartial,
  readPlan,
  SHARD_FORMAT_VERSION,
} from '../../src/shard/document.js';
import { readHistory } from '../../src/worklog/history.js';
import { phaseEntry, runRecord } from '../builders/run.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'records');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const counts = { total: 2, passed: 1, failed: 1, errored: 0, skipped: 0, flaky: 0, durationMs: 4 };
const tests = {
  tiers: [],
  suites: [
    {
      id: 'unit',
      tier: 1,
      categories: [],
      command: ['node', '--test'],
      state: 'completed' as const,
      verdict: 'fail' as const,
      attempts: [],
      durationMs: 5,
      counts,
      cases: [
        { suite: 'a.test.js', name: 'adds', file: 'a.test.js', status: 'passed' as const, durationMs: 1 },
        { suite: 'a.test.js', name: 'subtracts', status: 'failed' as const, durationMs: 3, message: 'boom' },
      ],
      report: null,
      logFile: null,
      outputTail: '',
      outputBytes: 0,
      findings: [],
    },
  ],
  counts,
  passRate: 0.5,
  noGo: null,
};
/** A valid record, as stored (compact), and a copy of it as plain JSON to break. */
const stored = (): Record<string, unknown> & { phases: Record<string, unknown>[] } =>
  JSON.parse(
    JSON.stringify(
      compactRecord(
        runRecord({ phases: [phaseEntry('select-tests'), phaseEntry('run-tests', { data: tests })] }),
      ),
    ),
  );

describe('a stored record is checked phase by phase when it is loaded', () => {
  it('accepts a valid record, compact rows and all, and gives every test back', () => {
    const s = stored();
    expect(JSON.stringify(s)).toContain('"passed":{');
    const parsed = parseStoredRecord(s);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(phaseData(parsed.record, 'run-tests')?.suites[0]?.cases).toHaveLength(2);
  });

  it.each([
    [
      'a field of the data missing',
      (s: ReturnType<typeof stored>) =>
        delete (s.phases[1]!.data as { counts: { flaky?: number } }).counts.flaky,
      'phases.1.data.counts.flaky: Invalid input: expected number, received undefined',
    ],
    [
      'a value of the wrong type deep inside',
      (s: ReturnType<typeof stored>) => {
        (s.phases[1]!.data as { suites: { cases: { status: string }[] }[] }).suites[0]!.cases[0]!.status =
          'ok';
      },
      'phases.1.data.suites.0.cases.0.status: Invalid option: expected one of "passed"|"failed"|"errored"|"skipped"',
    ],
    [
      'a compact row that is not a row',
      (s: ReturnType<typeof stored>) => {
        (s.phases[1]!.data as { suites: { passed: { tests: unknown[] } }[] }).suites[0]!.passed.tests[0] = [
          'x',
        ];
      },
      'phases.1.data.suites.0.passed.tests.0: expected a passing test row: [group index, name, duration or null, file index?]',
    ],
    [
      "another phase's data under a phase id",
      (s: ReturnType<typeof stored>) => {
        s.phases[0]!.data = tests;
      },
      'phases.0.data.focus: Invalid input: expected string, received undefined',
    ],
    [
      'an iteration whose phase data is wrong',
      (s: ReturnType<typeof stored>) => {
        const it = {
          iteration: 1,
          startedAt: 'x',
          endedAt: 'x',
          commit: null,
          dirty: null,
          decision: null,
          failing: [],
          phases: [{ ...s.phases[1], data: { ...tests, noGo: 'no' } }],
        };
        s.iterations = [it];
      },
      'iterations.0.phases.0.data.noGo: Invalid input: expected object, received string',
    ],
  ])(
    'refuses %s, naming the path of the first wrong key and what was expected',
    (_what, breakIt, problem) => {
      const s = stored();
      breakIt(s);
      expect(parseStoredRecord(s)).toEqual({ ok: false, problem });
    },
  );

  it('keeps the fields it does not know (a later version may add some)', () => {
    const s = stored();
    (s.phases[1]!.data as Record<string, unknown>).addedLater = { x: 1 };
    const parsed = parseStoredRecord(s);
    expect(
      parsed.ok && (phaseData(parsed.record, 'run-tests') as unknown as Record<string, unknown>).addedLater,
    ).toEqual({
      x: 1,
    });
  });
});

describe('history reading leaves out the phase data of a record that does not match, with a warning', () => {
  it('reads the other runs as they are, that one without phases, and says which file and why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdl-phase-data-'));
    try {
      const name = (t: string) => join(dir, `E2E-DEPLOY-REMEDIATE-WORKLOG-all-2026-01-01-${t}.json`);
      const good = stored();
      const bad = stored();
      bad.runId = 'tdl-20260101-120001-abcdef';
      bad.startedAt = '2026-01-01T12:00:01.000Z';
      (bad.phases[1]!.data as { passRate: unknown }).passRate = '50%';
      const foreign = { ...stored(), runId: 42 };
      writeFileSync(name('120000'), JSON.stringify(good));
      writeFileSync(name('120001'), JSON.stringify(bad));
      writeFileSync(name('120002'), JSON.stringify(foreign));
      const skipped: [string, string][] = [];
      const history = readHistory(dir, 'built', undefined, 50, false, (file, problem) =>
        skipped.push([file, problem]),
      );
      // A wrong envelope is left out when the folder is read; phase data is checked when first read.
      expect(skipped).toEqual([[name('120002'), 'runId: Invalid input: expected string, received number']]);
      expect(history.map((h) => [h.record.runId, h.record.phases.length])).toEqual([
        [bad.runId, 0],
        [good.runId, 2],
      ]);
      expect(skipped[1]).toEqual([
        name('120001'),
        'phases.1.data.passRate: Invalid input: expected number, received string',
      ]);
      // Checked once: reading it again says nothing more.
      expect(history[0]!.record.phases).toEqual([]);
      expect(skipped).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the sharded run's documents check the phase data they carry", () => {
  const suite = stored().phases[1]!.data as { suites: Record<string, unknown>[] };
  const partial = (chunkSuite: unknown) => ({
    kind: PARTIAL_KIND,
    version: SHARD_FORMAT_VERSION,
    runId: 'tdl-20260101-120000-abcdef',
    planDigest: 'd',
    tier: 1,
    shard: { index: 1, count: 2 },
    host: 'h',
    environment: {},
    commit: null,
    state: 'completed',
    startedAt: 'x',
    endedAt: 'x',
    wallMs: 1,
    chunks: [{ id: 'c1', suite: chunkSuite }],
  });

  it("a partial's suite (compact, as stored) is checked, and named by its path when wrong", () => {
    const good = parsePartial('p.json', JSON.stringify(partial(suite.suites[0])));
    expect('partial' in good).toBe(true);
    const broken = { ...suite.suites[0], verdict: 'green' };
    expect(parsePartial('p.json', JSON.stringify(partial(broken)))).toEqual({
      file: 'p.json',
      problem:
        'not a tdl partial: chunks.0.suite.verdict: Invalid option: expected one of "pass"|"fail"|"inconclusive"',
    });
  });

  it("a plan's phases 0 and 1 are checked with their data: a wrong one is a usage error naming the path", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdl-plan-'));
    try {
      const file = join(dir, 'plan.json');
      const select = {
        ...phaseEntry('select-tests'),
        data: { focus: 'all', selected: [{ id: 'u', tier: '1' }] },
      };
      writeFileSync(
        file,
        JSON.stringify({
          kind: PLAN_KIND,
          version: SHARD_FORMAT_VERSION,
          runId: 'tdl-20260101-120000-abcdef',
          digest: 'd',
          createdAt: 'x',
          playbook: { name: 'built', file: 'tdl.yaml', suitesDigest: 's' },
          repo: { commit: null, branch: null, dirty: null },
          focus: 'all',
          shards: 2,
          phases: [select],
          tiers: [],
        }),
      );
      expect(() => readPlan(file)).toThrow(
        `${file}: not a tdl plan: phases.0.data.selected.0.tier: Invalid input: expected number, received string`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('records written by earlier versions of tdl still load', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('has the fixtures (schema 1 and 2, every phase with data)', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });
  it.each(files)('%s', (file) => {
    const value = fixture(file);
    const checked = checkStoredRecord(value);
    expect(checked.ok ? null : checked.problem).toBeNull();
    const parsed = parseStoredRecord(value);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // Every phase ran and left data, so every schema was exercised.
    expect(parsed.record.phases.map((p) => p.data !== undefined)).toEqual(Array(7).fill(true));
    expect(phaseData(parsed.record, 'run-tests')?.suites.length).toBeGreaterThan(0);
  });
});

describe('each phase declares the schema of its data', () => {
  it('has the fields its stored entries are checked with, and reads the data the demo stored', () => {
    const branches = storedPhaseResultSchema.options;
    expect(PHASES.map((p) => p.id)).toEqual(branches.map((b) => b.shape.id.value));
    const stored = parseStoredRecord(fixture('demo-schema2-9bab035.json'));
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    for (const [i, phase] of PHASES.entries()) {
      // The stored form of phase 2 keeps passing tests as compact rows: the same fields, suites compact.
      const keys = (schema: z.ZodType) => Object.keys((schema as z.ZodObject).shape).sort();
      expect(keys(branches[i]!.shape.data.unwrap()), phase.id).toEqual(keys(phase.dataSchema));
      const read = phase.dataSchema.safeParse(stored.record.phases[i]!.data);
      expect(read.success ? null : `${phase.id}: ${read.error.issues[0]?.path.join('.')}`).toBeNull();
      expect(phase.dataSchema.safeParse(42).success, phase.id).toBe(false);
    }
  });
});

describe('readers get phase data typed by the phase id', () => {
  it('phaseResult and phaseData are typed by the id', () => {
    const parsed = parseStoredRecord(stored());
    if (!parsed.ok) throw new Error(parsed.problem);
    const record: RunRecord = parsed.record;
    expectTypeOf(phaseData(record, 'run-tests')?.counts).toEqualTypeOf<Counts | undefined>();
    const entry = phaseResult(record, 'run-tests');
    expect(entry?.data?.counts).toEqual(counts);
    // The record's phases are a union discriminated by id: checking the id types the data.
    const p = record.phases[1]!;
    if (p.id === 'run-tests') expectTypeOf(p.data?.passRate).toEqualTypeOf<number | null | undefined>();
    expect(p.id).toBe('run-tests');
  });

  it('the schemas of types owned by the layers below are the same types as their interfaces', () => {
    expectTypeOf<z.output<typeof testCaseSchema>>().toEqualTypeOf<TestCase>();
    expectTypeOf<z.output<typeof countsSchema>>().toEqualTypeOf<Counts>();
    // Violation's `members.other` is an intersection, which toEqualTypeOf tells from the same object
    // written out: the two are checked assignable both ways instead.
    expectTypeOf<Same<z.output<typeof violationSchema>, Violation>>().toEqualTypeOf<true>();
    expectTypeOf<z.output<typeof scopeScoreSchema>>().toEqualTypeOf<ScopeScore>();
    expectTypeOf<z.output<typeof ruleSummarySchema>>().toEqualTypeOf<RuleSummary>();
    expectTypeOf<z.output<typeof externalRunSchema>>().toEqualTypeOf<ExternalRun>();
    expectTypeOf<z.output<typeof cloudRunConditionSchema>>().toEqualTypeOf<CloudRunCondition>();
    expectTypeOf<z.output<typeof trafficEntrySchema>>().toEqualTypeOf<TrafficEntry>();
  });
});

describe('tdl schema --run-record', () => {
  it("describes each phase's data by its id (one branch per phase, each data schema defined once)", () => {
    const schema = runRecordJsonSchema() as {
      properties: { phases: { items: { $ref: string } } };
      $defs: Record<string, { oneOf?: { properties: { id: { const: string }; data: { $ref: string } } }[] }>;
    };
    expect(schema.properties.phases.items.$ref).toBe('#/$defs/PhaseResult');
    const branches = schema.$defs.PhaseResult?.oneOf ?? [];
    expect(branches.map((b) => [b.properties.id.const, b.properties.data.$ref])).toEqual([
      ['deploy-status', '#/$defs/DeployStatusData'],
      ['select-tests', '#/$defs/SelectTestsData'],
      ['run-tests', '#/$defs/RunTestsData'],
      ['root-cause', '#/$defs/RootCauseData'],
      ['compliance', '#/$defs/ComplianceSummary'],
      ['stability', '#/$defs/StabilityData'],
      ['publish', '#/$defs/PublishData'],
    ]);
  });
});

describe('no cast of phase data in src/', () => {
  it('reads phase data through the typed accessors, never `as`', () => {
    const root = join(import.meta.dirname, '..', '..', 'src');
    const castOfData =
      /\.data\)? as |\bas (unknown as )?(PhaseEntry|PhaseResult)\b|\bas [A-Z]\w*(Data|Summary)\b/;
    const hits: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith('.ts'))
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (castOfData.test(line)) hits.push(`${path}:${i + 1}: ${line.trim()}`);
            });
      }
    };
    walk(root);
    expect(hits).toEqual([]);
  });
});
