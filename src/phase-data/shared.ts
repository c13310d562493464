/**
 * Schemas of the types phase data is made of that live in the layers below it: the test result
 * model (src/results/model.ts), the audit's violations and scores (src/audit/), Cloud Run's
 * conditions and traffic (src/adapters/cloudrun/port.ts). Those modules keep their plain interfaces
 * (their parsers and scanners never validate what they build); each schema here is checked equal to its
 * interface at compile time (test/unit/phase-data-schemas.test.ts), so the two cannot drift.
 *
 * Objects are `z.object`: the record's readers validate a stored value and keep it as it is (never
 * zod's stripped copy), so a field added by a later version passes through; the JSON Schema leaves
 * them open too (see runRecordJsonSchema).
 */
import * as z from 'zod';
import { EXECUTION_STATES, VERDICTS } from '../core/states.js';
import { SEVERITIES } from '../playbook/sections/audit.js';
import { TEST_STATUSES } from '../results/model.js';

export const executionStateSchema = z.enum(EXECUTION_STATES);
export const verdictSchema = z.enum(VERDICTS);
export const testStatusSchema = z.enum(TEST_STATUSES);

/** src/results/model.ts `TestCase`. */
export const testCaseSchema = z.object({
  suite: z.string(),
  name: z.string(),
  file: z.string().optional(),
  status: testStatusSchema,
  durationMs: z.number().nullable(),
  message: z.string().optional(),
  stack: z.string().optional(),
  traceparent: z.string().optional(),
  flaky: z.boolean().optional(),
});

/** src/results/model.ts `Counts`. */
export const countsSchema = z.object({
  total: z.number(),
  passed: z.number(),
  failed: z.number(),
  errored: z.number(),
  skipped: z.number(),
  flaky: z.number(),
  durationMs: z.number().nullable(),
});

const locationSchema = z.object({ file: z.string(), line: z.number() });

/** src/audit/types.ts `Violation`. */
export const violationSchema = z.object({
  ruleId: z.string(),
  kind: z.string(),
  severity: z.enum(SEVERITIES),
  file: z.string(),
  line: z.number(),
  endLine: z.number().optional(),
  message: z.string(),
  fix: z.string().optional(),
  fingerprint: z.string(),
  scopes: z.array(z.string()),
  related: z.array(locationSchema).optional(),
  relatedCount: z.number().optional(),
  members: z
    .object({
      here: z.array(z.string()),
      other: locationSchema.extend({ members: z.array(z.string()) }),
      missing: z.array(z.string()),
      extra: z.array(z.string()),
    })
    .optional(),
  status: z.enum(['new', 'known']).optional(),
  introduced: z.boolean().optional(),
});

const numbers = z.record(z.string(), z.number());

/** src/audit/score.ts `ScopeScore`. */
export const scopeScoreSchema = z.object({
  files: z.number(),
  filesWithViolations: z.number(),
  score: z.number(),
  rules: numbers,
  byRule: numbers,
  bySeverity: numbers,
});

/** src/audit/score.ts `RuleSummary`. */
export const ruleSummarySchema = z.object({
  kind: z.string(),
  count: z.number(),
  bySeverity: numbers,
  new: z.number().nullable(),
  fixed: z.number().nullable(),
  files: z.number(),
  score: z.number(),
});

/** src/audit/external.ts `ExternalRun`. */
export const externalRunSchema = z.object({
  id: z.string(),
  state: z.enum(['completed', 'errored', 'timed_out']),
  violations: z.number(),
  durationMs: z.number(),
  reason: z.string().optional(),
});

/** src/adapters/cloudrun/port.ts `CloudRunCondition`. */
export const cloudRunConditionSchema = z.object({
  type: z.string(),
  state: z.string(),
  reason: z.string().nullable(),
  message: z.string(),
  lastTransitionTime: z.string().nullable(),
});

/** src/adapters/cloudrun/port.ts `TrafficEntry`. */
export const trafficEntrySchema = z.object({
  revision: z.string().nullable(),
  percent: z.number(),
  latest: z.boolean(),
  tag: z.string().nullable(),
  uri: z.string().nullable(),
});
