/**
 * The tools' input and output schemas. Each is a zod schema built from the ones the CLI and the run
 * record already use (runOptionsSchema, phaseResultSchema, the record's fields, the report formats,
 * the vocabulary in src/core/states.ts); the JSON Schemas that `tools/list` shows are generated
 * from them, and the same zod schemas check every call. Nothing here is written a second time as JSON.
 *
 * Parts of results the tools pass on from elsewhere (the audit report, the status report, rows of
 * the record) stay open here (`z.looseObject`): their shapes are documented in docs/. The full
 * record, each phase's data typed, is the `run-record` resource (`tdl schema --run-record`).
 */
import * as z from 'zod';
import { RUN_ID_PATTERN } from '../core/ids.js';
import { PHASE_IDS, phaseResultSchema, runOptionsSchema, runRecordSchema } from '../core/record.js';
import { REPORT_FORMATS } from '../playbook/sections/suites.js';
import { TEST_STATUSES } from '../results/model.js';

const runId = z
  .string()
  .regex(RUN_ID_PATTERN, { error: 'expected a run id, tdl-YYYYMMDD-HHMMSS-xxxxxx' })
  .meta({ description: 'A run id, tdl-YYYYMMDD-HHMMSS-xxxxxx (default: the newest run).' });

const offset = z.int().min(0).optional().meta({ description: 'Where the page starts (default 0).' });
const limit = (max: number, dflt: number) =>
  z
    .int()
    .min(1)
    .max(max)
    .optional()
    .meta({
      description: `At most this many items (default ${dflt}); fewer when the page would pass the size bound.`,
    });

const wait = z.boolean().optional().meta({
  description: 'If another run holds this repository, wait for it instead of failing (the CLI’s --wait).',
});

const opts = runOptionsSchema.shape;

/** `run`: the CLI's run options (the record's `options`), all optional, plus `wait`. */
export const runInput = z
  .strictObject({
    focus: opts.focus.optional().meta({ description: '"all" (default) or a suite category.' }),
    only: z
      .array(z.enum(PHASE_IDS))
      .min(1)
      .optional()
      .meta({ description: 'Run only these phases; the others are skipped (the CLI’s --only).' }),
    dryRun: opts.dryRun
      .optional()
      .meta({ description: 'Plan and render only: no suites, deploys or GitHub writes.' }),
    publish: opts.publish
      .optional()
      .meta({ description: 'github | outbox | none | auto (default: github with a token, else outbox).' }),
    deploy: opts.deploy.optional().meta({ description: 'Deploy stale services before testing.' }),
    untilGreen: opts.untilGreen.optional().meta({ description: 'Repeat remediation and runs until green.' }),
    maxIterations: opts.maxIterations
      .optional()
      .meta({ description: 'With untilGreen: at most this many runs (default 3).' }),
    wait,
  })
  .refine((v) => !(v.untilGreen && v.dryRun), {
    path: ['untilGreen'],
    error: 'untilGreen cannot be combined with dryRun (it runs remediation)',
  });

export const resumeInput = z.strictObject({ runId, wait });
export const statusInput = z.strictObject({ offset, limit: limit(200, 50) });

export const resultsInput = z.strictObject({
  files: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: 'Report files: JUnit XML, vitest/jest JSON, TAP, go test -json.' }),
  format: z.enum(REPORT_FORMATS).optional().meta({ description: 'Report format (default auto).' }),
  offset,
  limit: limit(500, 100),
});

export const auditInput = z.strictObject({
  dir: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Folder to audit (default: the repository under test).' }),
  rule: z.string().min(1).optional().meta({
    description:
      'Only this rule (as `tdl audit --rule`: a rule id, an external auditor id, or `<auditor>/<rule>`).',
  }),
  base: z.string().min(1).optional().meta({ description: 'Mark violations introduced since this git ref.' }),
  strict: z
    .boolean()
    .optional()
    .meta({ description: 'Also fail when the baseline holds entries that no longer occur.' }),
  offset,
  limit: limit(200, 50),
});

export const worklogsInput = z.strictObject({
  all: z
    .boolean()
    .optional()
    .meta({ description: 'Every playbook in the worklog folder, not only this one.' }),
  offset,
  limit: limit(100, 20),
});

export const publishInput = z.strictObject({
  runId,
  dryRun: z.boolean().optional().meta({ description: 'Say what would be done, do nothing.' }),
});

export const failuresInput = z.strictObject({ runId: runId.optional(), offset, limit: limit(50, 10) });

export const explainInput = z
  .strictObject({
    runId: runId.optional(),
    cluster: z.string().min(1).optional().meta({ description: 'A cluster id, as `failures` lists them.' }),
    test: z.string().min(1).optional().meta({
      description: 'A test: `suite › group › name`, `suite › name`, or a name that is unique in the run.',
    }),
  })
  .refine((v) => (v.cluster === undefined) !== (v.test === undefined), {
    path: ['cluster'],
    error: 'give exactly one of cluster or test',
  });

// ---- outputs -------------------------------------------------------------------------------------

/** What every result carries: the run it is about and what its exit code means. */
const envelope = z.object({
  runId: runRecordSchema.shape.runId.nullable().meta({
    description: 'The run the result is about; null for tools that are not about a run (audit, results).',
  }),
  exitCode: z.int().meta({ description: 'The exit code the CLI would end with for the same call.' }),
  exitMeaning: z.string(),
  summary: z.string().meta({ description: 'One line for a person.' }),
});

export const pageSchema = z.object({
  offset: z.int(),
  count: z.int().meta({ description: 'Items in this page.' }),
  total: z.int(),
  nextOffset: z
    .int()
    .nullable()
    .meta({ description: 'Pass as `offset` for the next page; null on the last.' }),
});
export type Page = z.output<typeof pageSchema>;

const phaseLine = phaseResultSchema.pick({ id: true, state: true, verdict: true, reason: true });

export const runOutput = envelope.extend({
  state: runRecordSchema.shape.state,
  decision: runRecordSchema.shape.decision,
  phases: z.array(phaseLine),
  clusters: z.int().meta({ description: 'Failure clusters; read them with `failures`.' }),
  worklog: runRecordSchema.shape.worklog,
  runDir: runRecordSchema.shape.runDir,
  record: z.string().meta({ description: 'The full run record as an MCP resource URI.' }),
});

const evidenceLink = z.object({
  kind: z.string(),
  value: z.string().nullable(),
  source: z.string(),
  unknownBecause: z.string().optional(),
  href: z.string().optional(),
});

const clusterTest = z.object({
  suiteId: z.string(),
  group: z.string(),
  name: z.string(),
  status: z.enum(TEST_STATUSES),
});

/** One failure cluster as an agent reads it: bounded (tests and texts cut, with what was left out). */
export const clusterView = z.object({
  id: z.string(),
  title: z.string(),
  message: z.string(),
  tier: z.int(),
  location: z.string().nullable(),
  exceptionType: z.string().nullable(),
  tests: z.array(clusterTest),
  testsTotal: z.int(),
  evidence: z.array(evidenceLink),
});
export type ClusterView = z.output<typeof clusterView>;

export const failuresOutput = envelope.extend({
  clusters: z.array(clusterView),
  page: pageSchema,
});

const historyRow = z.object({
  runId: z.string(),
  startedAt: z.string(),
  outcome: z.string().meta({
    description: 'passed, failed, errored, skipped, "not run", or for a cluster "clustered" / "absent".',
  }),
});

export const explainOutput = envelope.extend({
  subject: z.object({ kind: z.enum(['cluster', 'test']), id: z.string() }),
  cluster: clusterView.nullable().meta({ description: 'The cluster (of the test, for a test).' }),
  failure: z
    .object({ status: z.enum(TEST_STATUSES), message: z.string(), stack: z.string() })
    .nullable()
    .meta({ description: 'The failure itself (null for a test that did not fail).' }),
  frames: z
    .array(z.object({ file: z.string(), line: z.int(), fn: z.string().nullable() }))
    .meta({ description: 'Stack frames inside the repository under test, top first.' }),
  history: z.array(historyRow).meta({ description: 'This and earlier runs of the playbook, newest first.' }),
  issue: z
    .object({ value: z.string(), href: z.string().nullable(), source: z.string() })
    .nullable()
    .meta({ description: 'The open GitHub issue for this failure, when one is known.' }),
});

export const statusOutput = envelope.extend({
  verdict: z.string(),
  services: z.array(z.looseObject({ name: z.string() })),
  page: pageSchema,
});

export const resultsOutput = envelope.extend({
  totals: z.looseObject({
    total: z.int(),
    passed: z.int(),
    failed: z.int(),
    errored: z.int(),
    skipped: z.int(),
  }),
  files: z.array(z.looseObject({ file: z.string() })),
  cases: z.array(z.looseObject({ name: z.string(), status: z.enum(TEST_STATUSES) })),
  page: pageSchema,
});

export const auditOutput = envelope.extend({
  verdict: z.string(),
  reasons: z.array(z.string()),
  filesAudited: z.int(),
  violations: z.array(
    z.looseObject({ ruleId: z.string(), file: z.string(), line: z.int(), message: z.string() }),
  ),
  page: pageSchema,
});

export const worklogsOutput = envelope.extend({
  dir: z.string(),
  playbook: z.string().nullable(),
  runs: z.array(z.looseObject({ runId: z.string(), state: z.string(), decision: z.string() })),
  page: pageSchema,
});

export const publishOutput = envelope.extend({
  dryRun: z.boolean(),
  planned: z.array(z.looseObject({ action: z.string() })).nullable(),
  issues: z.array(z.looseObject({ number: z.int(), url: z.string() })),
  pull: z.looseObject({ number: z.int(), url: z.string() }).nullable(),
});

/** The JSON Schema an MCP client sees (draft-07: what the SDK's validator reads by default). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-7',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}
