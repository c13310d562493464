/**
 * The run record with each phase's data typed by the phase's id: the schema stored records are
 * checked against when they are loaded, and the JSON Schema `tdl schema --run-record` prints.
 *
 * The core's record schema (src/core/record.ts) leaves a phase's `data` open, as the core sits below
 * the phases; here, the one layer that knows both the record and every phase's data, each phase entry
 * becomes a branch of a union discriminated by `id` whose `data` is that phase's schema.
 *
 * The check is of the record as stored, before parseStoredRecord (src/history/compact.ts) migrates it:
 * schemas 1 and 2 differ only in phase 2's suites, whose plain passing tests version 2 keeps as compact
 * rows (`passed`), and the stored suite schema accepts both. Checking before the migration means the
 * migration only ever expands rows that were checked, and it is the cheap place: a 2,000-test record
 * holds ~1,800 short rows (checked by one function, see run-tests.ts) instead of ~1,800 test objects.
 * History reading checks a record when it is first read (src/worklog/history.ts, lazyEntry).
 */
import * as z from 'zod';
import {
  iterationRecordSchema,
  type PhaseId,
  phaseResultSchema,
  type RunRecord,
  runRecordSchema,
} from '../core/record.js';
import { complianceSummarySchema } from './compliance.js';
import { deployStatusDataSchema } from './deploy-status.js';
import { publishDataSchema } from './publish.js';
import { rootCauseDataSchema } from './root-cause.js';
import { storedRunTestsDataSchema } from './run-tests.js';
import { selectTestsDataSchema } from './select-tests.js';
import { stabilityDataSchema } from './stability.js';

// Each phase's data schema, and the phase entry, get an id: the JSON Schema then holds each once, in
// `$defs` under that name, and the iterations' phases refer to the same definitions.
function entry<I extends PhaseId, D extends z.ZodType>(id: I, phase: string, data: D, name: string) {
  return phaseResultSchema.extend({
    id: z.literal(id),
    data: data.meta({ id: name, description: `${phase}'s data.` }).optional(),
  });
}

/** A phase's entry in a stored record: a union discriminated by `id`, each phase with its data schema. */
export const storedPhaseResultSchema = z
  .discriminatedUnion('id', [
    entry('deploy-status', 'Phase 0 (deploy-status)', deployStatusDataSchema, 'DeployStatusData'),
    entry('select-tests', 'Phase 1 (select-tests)', selectTestsDataSchema, 'SelectTestsData'),
    entry('run-tests', 'Phase 2 (run-tests)', storedRunTestsDataSchema, 'RunTestsData'),
    entry('root-cause', 'Phase 3 (root-cause)', rootCauseDataSchema, 'RootCauseData'),
    entry('compliance', 'Phase 4 (compliance)', complianceSummarySchema, 'ComplianceSummary'),
    entry('stability', 'Phase 5 (stability)', stabilityDataSchema, 'StabilityData'),
    entry('publish', 'Phase 6 (publish)', publishDataSchema, 'PublishData'),
  ])
  .meta({ id: 'PhaseResult' });

const iterations = runRecordSchema.shape.iterations;

/** The run record, as `--json` prints it and as `record.json` and the worklog's JSON twin hold it. */
export const storedRunRecordSchema = runRecordSchema.extend({
  phases: z.array(storedPhaseResultSchema),
  iterations: z
    .array(
      iterationRecordSchema.extend({
        phases: z.array(storedPhaseResultSchema).meta(iterationRecordSchema.shape.phases.meta() ?? {}),
      }),
    )
    .optional()
    .meta(iterations.meta() ?? {}),
});

/** True when `value` is a stored run record, every phase's data included; else `why` gets the first problem. */
function isStoredRecord(value: unknown, why: string[]): value is RunRecord {
  const parsed = storedRunRecordSchema.safeParse(value);
  if (parsed.success) return true;
  const issue = parsed.error.issues[0];
  why.push(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  return false;
}

/**
 * Checks a stored record against the schema, each phase's data against its phase's; the problem
 * names the dotted path of the first key that is wrong and what was expected
 * (`phases.2.data.counts.flaky: Invalid input: expected number, received undefined`). The record is
 * returned as stored, not zod's copy (which drops the fields of later versions); parseStoredRecord
 * (src/history/compact.ts) then migrates it.
 */
export function checkStoredRecord(
  value: unknown,
): { ok: true; record: RunRecord } | { ok: false; problem: string } {
  const why: string[] = [];
  return isStoredRecord(value, why)
    ? { ok: true, record: value }
    : { ok: false, problem: why[0] ?? 'invalid' };
}

/** JSON Schema of the run record that `--json` prints (`tdl schema --run-record`). */
export function runRecordJsonSchema(): Record<string, unknown> {
  return {
    // The input side leaves objects open (no `additionalProperties: false`): readers must accept fields
    // added later. Nothing in the record is transformed, so input and output are the same shape.
    ...z.toJSONSchema(storedRunRecordSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'tdl run record',
  };
}
