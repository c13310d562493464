/** Data that phase 2 (run-tests) leaves in the run record; read by later phases and the worklog. */

import * as z from 'zod';
import { findingSchema } from '../core/record.js';
import { quarantineDataSchema } from './quarantine.js';
import { countsSchema, executionStateSchema, testCaseSchema, verdictSchema } from './shared.js';
import { healthDataSchema } from './test-health.js';

export const attemptResultSchema = z.object({
  attempt: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  spawnError: z.string().optional(),
  /** Span id of the TRACEPARENT this attempt was given (its log entries can carry it). */
  spanId: z.string().optional(),
  /** Counts of this attempt's report, null when no report could be read. */
  counts: countsSchema.nullable(),
  reportError: z.string().optional(),
});
export type AttemptResult = z.output<typeof attemptResultSchema>;

export const suiteResultSchema = z.object({
  id: z.string(),
  tier: z.number(),
  categories: z.array(z.string()),
  command: z.array(z.string()),
  state: executionStateSchema,
  verdict: verdictSchema,
  reason: z.string().optional(),
  attempts: z.array(attemptResultSchema),
  durationMs: z.number(),
  counts: countsSchema,
  cases: z.array(testCaseSchema),
  report: z.object({ path: z.string(), format: z.string() }).nullable(),
  logFile: z.string().nullable(),
  /** Bounded end of the last attempt's output, ANSI escapes removed. */
  outputTail: z.string(),
  outputBytes: z.number(),
  findings: z.array(findingSchema),
  /** Failures of quarantined tests not counted in the verdict and the gates (src/history/quarantine.ts). */
  quarantined: z.object({ failed: z.number(), errored: z.number() }).optional(),
  /** The Cloud Run revision (and URL) of each service this suite ran against, from phase 0. */
  services: z
    .array(
      z.object({
        name: z.string(),
        url: z.string().nullable(),
        revision: z.string().nullable(),
        via: z.enum(['service', 'tag']),
      }),
    )
    .optional(),
});
export type SuiteResult = z.output<typeof suiteResultSchema>;

export const gateResultSchema = z.object({
  afterTier: z.number(),
  minPassRate: z.number(),
  passRate: z.number().nullable(),
  verdict: verdictSchema,
  reason: z.string(),
});
export type GateResult = z.output<typeof gateResultSchema>;

export const tierResultSchema = z.object({
  tier: z.number(),
  state: executionStateSchema,
  reason: z.string().optional(),
  suites: z.array(z.string()),
  counts: countsSchema,
  passRate: z.number().nullable(),
  gate: gateResultSchema.nullable(),
});
export type TierResult = z.output<typeof tierResultSchema>;

/** One shard of one tier of a sharded run, as the merge saw it. */
export const shardRowSchema = z.object({
  index: z.number(),
  /** Chunk ids the plan gave it. */
  chunks: z.array(z.string()),
  /** `missing`: no usable partial arrived for it (its chunks are missing too). */
  state: z.enum(['completed', 'cancelled', 'missing']),
  wallMs: z.number().nullable(),
  host: z.string().nullable(),
  plannedMs: z.number(),
});
export type ShardRow = z.output<typeof shardRowSchema>;

export const shardingDataSchema = z.object({
  shards: z.number(),
  planDigest: z.string(),
  tiers: z.array(
    z.object({
      tier: z.number(),
      rows: z.array(shardRowSchema),
      /** Slowest shard's wall time against the mean of the shards that reported; null when none did. */
      balance: z.object({ slowestMs: z.number(), meanMs: z.number(), ratio: z.number() }).nullable(),
      /** The plan's own balance (slowest planned shard against the ideal). */
      plannedRatio: z.number(),
    }),
  ),
});
export type ShardingData = z.output<typeof shardingDataSchema>;

/** The parts of a playbook that decide how much the tests ask. */
export const testPolicySchema = z.object({
  suites: z.array(
    z.object({ id: z.string(), command: z.array(z.string()), timeoutMs: z.number(), retries: z.number() }),
  ),
  gates: z.array(z.object({ afterTier: z.number(), minPassRate: z.number() })),
  quarantine: z.array(z.string()),
});
export type TestPolicy = z.output<typeof testPolicySchema>;

/**
 * Failing tests that broke across the same range (src/history/regression.ts) and what changed in the
 * code there (git): phase 3 groups them as one cause when that change is one hunk.
 */
export const regressionSchema = z.object({
  /** The commit the tests last passed at. */
  from: z.string(),
  /** The commit their failing streak started at; null: this run's working tree. */
  to: z.string().nullable(),
  /** Changed files of code between the two (tests, prose and tdl's folders left out), at most 20. */
  files: z.array(z.string()),
  moreFiles: z.boolean(),
  /** Hunks of the diff when exactly one file of code changed, else null. */
  hunks: z.number().nullable(),
  /** The tests' ids. */
  tests: z.array(z.string()),
});
export type Regression = z.output<typeof regressionSchema>;

/** Phase 2's data. */
export const runTestsDataSchema = z.object({
  tiers: z.array(tierResultSchema),
  suites: z.array(suiteResultSchema),
  counts: countsSchema,
  passRate: z.number().nullable(),
  /** Set when a gate stopped the run: later tiers were skipped. */
  noGo: z.object({ afterTier: z.number(), reason: z.string() }).nullable(),
  /** Flaky and broken tests, judged from the history store (absent in records of earlier versions). */
  health: healthDataSchema.optional(),
  /** The playbook's quarantine applied to this run (absent when the playbook has none). */
  quarantine: quarantineDataSchema.optional(),
  /** The playbook's suites, gates and quarantine as this run had them (tests-not-weakened compares). */
  policy: testPolicySchema.optional(),
  /** A sharded run (tdl plan / run --shard / merge): per tier, each shard's chunks, wall time, host. */
  sharding: shardingDataSchema.optional(),
  /** Regression ranges of the failing tests with the code changed across each (absent: none known). */
  regressions: z.array(regressionSchema).optional(),
  /** Under --dry-run: what would have run. */
  planned: z.array(z.object({ id: z.string(), tier: z.number(), command: z.array(z.string()) })).optional(),
});
export type RunTestsData = z.output<typeof runTestsDataSchema>;

/**
 * On disk only (src/history/compact.ts): a suite's plain passing tests, one row each, `[group index,
 * name, duration (null: unknown), file index (-1: the group; absent: none)]`.
 */
export type PassedRow = [number, string, number | null, number] | [number, string, number | null];

function isPassedRow(row: unknown): row is PassedRow {
  return (
    Array.isArray(row) &&
    (row.length === 3 || (row.length === 4 && Number.isInteger(row[3]))) &&
    Number.isInteger(row[0]) &&
    typeof row[1] === 'string' &&
    (row[2] === null || typeof row[2] === 'number')
  );
}

const ROW_EXPECTED = 'expected a passing test row: [group index, name, duration or null, file index?]';

/**
 * The rows, checked by one plain function rather than a zod tuple per row: a stored 2,000-test record
 * holds ~1,800 of them, and read cold (as a run reads its few newest records) the tuples of three
 * records took 40-70 ms against 3-12 ms for the function (docs/performance.md). The JSON Schema says
 * the same as the function.
 */
const passedRowsSchema = z
  .custom<PassedRow[]>((rows) => Array.isArray(rows), { error: 'expected an array of passing test rows' })
  .check((ctx) => {
    for (const [i, row] of ctx.value.entries())
      if (!isPassedRow(row)) {
        ctx.issues.push({ code: 'custom', message: ROW_EXPECTED, input: row, path: [i] });
        return;
      }
  })
  .meta({
    type: 'array',
    items: {
      type: 'array',
      prefixItems: [
        { type: 'integer' },
        { type: 'string' },
        { type: ['number', 'null'] },
        { type: 'integer' },
      ],
      minItems: 3,
      maxItems: 4,
    },
  });

export const compactPassedSchema = z.object({
  groups: z.array(z.string()),
  files: z.array(z.string()),
  tests: passedRowsSchema,
});
export type CompactPassed = z.output<typeof compactPassedSchema>;

/** A suite as stored: its plain passing tests in `passed` (schema 2) or in `cases` (schema 1). */
export const storedSuiteSchema = suiteResultSchema.extend({
  passed: compactPassedSchema.optional().meta({
    description: "In `record.json` and the worklog's JSON twin only: plain passing tests, compact.",
  }),
});
export type StoredSuite = z.output<typeof storedSuiteSchema>;

/** Phase 2's data as stored (see storedSuiteSchema). */
export const storedRunTestsDataSchema = runTestsDataSchema.extend({ suites: z.array(storedSuiteSchema) });

/** Suites whose verdict was `fail`, given a run's phase 2 data (for phase 1's ordering). */
export function previousFailingSuites(data: RunTestsData | undefined): Set<string> {
  return new Set((data?.suites ?? []).filter((s) => s.verdict === 'fail').map((s) => s.id));
}
