/**
 * The run record: what a run did, phase by phase. It is persisted after every phase, printed by
 * `--json`, and is the only source of every number in the worklog.
 *
 * The record is defined once, as a zod schema: the TypeScript types below are derived from it, and so
 * is the JSON Schema that `tdl schema --run-record` prints for agents that read `--json`. Objects are
 * open (additional properties allowed): adding a field is compatible, so it does not bump schemaVersion.
 */
import * as z from 'zod';
import { DECISIONS, EXECUTION_STATES, VERDICTS } from './states.js';

// Every schema of tdl (playbook, record, shard documents, MCP inputs) is checked a few times per
// process at most. zod's JIT compiles a schema on its first parse, which costs more than it saves
// here: jitless halves the first parse of three stored records (12 -> 6 ms of CPU). Set where the
// record schema is defined, so it holds in every entry point that reads or writes a record.
z.config({ jitless: true });

/**
 * Bumped when the record changes incompatibly (a field removed, renamed or retyped). 2: on disk, a
 * suite's plain passing tests are in `passed` (compact rows, src/history/compact.ts) rather than in
 * `cases`; records of version 1 are read as they are (migrated on read).
 */
export const RUN_RECORD_SCHEMA_VERSION = 2;
/** Versions this tdl reads (older ones are migrated on read by parseStoredRecord, src/history/compact.ts). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

export const PHASE_IDS = [
  'deploy-status',
  'select-tests',
  'run-tests',
  'root-cause',
  'compliance',
  'stability',
  'publish',
] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

const executionState = z.enum(EXECUTION_STATES);
const verdict = z.enum(VERDICTS);

export const severitySchema = z.enum(['info', 'warning', 'error']);
export type Severity = z.output<typeof severitySchema>;

/** Something a phase noticed that a reader should see (authenticity problems, notes, hints). */
export const findingSchema = z.object({
  kind: z.string().meta({ description: 'Stable kind, e.g. `zero-tests`, `exit-code-mismatch`.' }),
  severity: severitySchema,
  message: z.string(),
  subject: z
    .string()
    .optional()
    .meta({ description: 'What it is about: a suite id, a test, a file, a service.' }),
});
export type Finding = z.output<typeof findingSchema>;

export const phaseErrorSchema = z.object({ code: z.string(), message: z.string(), exitCode: z.int() });
export type PhaseError = z.output<typeof phaseErrorSchema>;

export const phaseResultSchema = z.object({
  id: z.enum(PHASE_IDS),
  index: z.int().min(0),
  title: z.string(),
  state: executionState,
  verdict: verdict.optional(),
  reason: z
    .string()
    .optional()
    .meta({ description: 'Why the phase was skipped, errored or cancelled; a one-line summary otherwise.' }),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  data: z.unknown().optional().meta({ description: "The phase's own data (see the README, per phase)." }),
  findings: z.array(findingSchema),
  error: phaseErrorSchema.optional(),
});
/**
 * A phase's entry in the record; `T` types its `data`, which the schema leaves open (the core does not
 * know the phases' data). Read an entry with its data typed by the phase's id: `phaseResult`,
 * `phaseData` (src/phase-data/index.ts).
 */
export type PhaseResult<T = unknown> = Omit<z.output<typeof phaseResultSchema>, 'data'> & { data?: T };

export const runOptionsSchema = z.object({
  focus: z.string(),
  deploy: z.boolean(),
  dryRun: z.boolean(),
  publish: z.enum(['github', 'outbox', 'none', 'auto']),
  only: z.array(z.enum(PHASE_IDS)).nullable(),
  untilGreen: z.boolean(),
  maxIterations: z.int().min(1),
});
export type RunOptions = z.output<typeof runOptionsSchema>;

export const decisionRecordSchema = z.object({
  decision: z.enum(DECISIONS),
  reasons: z.array(z.string()),
});
export type DecisionRecord = z.output<typeof decisionRecordSchema>;

/** What ran between two iterations of `--until-green`. */
export const remediationRecordSchema = z.object({
  command: z.array(z.string()),
  exitCode: z.int().nullable(),
  timedOut: z.boolean(),
  cancelled: z.boolean(),
  spawnError: z.string().optional(),
  durationMs: z.number(),
  logFile: z.string(),
  clustersFile: z
    .string()
    .meta({ description: 'The JSON file with the clusters the command was given (`TDL_CLUSTERS_FILE`).' }),
});
export type RemediationRecord = z.output<typeof remediationRecordSchema>;

/** One pass through the phases of an `--until-green` run. */
export const iterationRecordSchema = z.object({
  iteration: z.int().min(1),
  startedAt: z.string(),
  endedAt: z.string(),
  commit: z
    .string()
    .nullable()
    .meta({ description: 'HEAD of the repository under test when the iteration started.' }),
  dirty: z.boolean().nullable(),
  phases: z.array(phaseResultSchema).meta({ description: 'The phases as they ended in this iteration.' }),
  decision: decisionRecordSchema.nullable(),
  failing: z
    .array(z.string())
    .meta({ description: 'Failing and erroring tests, `suite › group › name`, sorted.' }),
  remediation: remediationRecordSchema
    .optional()
    .meta({ description: 'Set when remediation ran after this iteration.' }),
});
export type IterationRecord = Omit<z.output<typeof iterationRecordSchema>, 'phases'> & {
  phases: PhaseResult[];
};

export const LOOP_STOPS = ['green', 'max-iterations', 'no-progress', 'interrupted', 'no-decision'] as const;
export type LoopStop = (typeof LOOP_STOPS)[number];

/** The `--until-green` loop: why it stopped. */
export const loopRecordSchema = z.object({
  maxIterations: z.int().min(1),
  stop: z.enum(LOOP_STOPS).nullable(),
  stopReason: z.string().nullable(),
});
export type LoopRecord = z.output<typeof loopRecordSchema>;

export const runRecordSchema = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(RUN_RECORD_SCHEMA_VERSION)]),
  runId: z.string().meta({ description: 'tdl-YYYYMMDD-HHMMSS-xxxxxx' }),
  tool: z.object({ name: z.string(), version: z.string() }),
  playbook: z.object({ name: z.string(), file: z.string() }),
  repo: z.object({
    dir: z.string(),
    commit: z.string().nullable(),
    branch: z.string().nullable(),
    dirty: z.boolean().nullable(),
  }),
  options: runOptionsSchema,
  runDir: z.string().meta({ description: '`.tdl/runs/<runId>/`: raw outputs, reports, run.log.' }),
  redactEnv: z.array(z.string()).meta({
    description: "Names (never values) of the env vars whose values are redacted: the playbook's redact.env.",
  }),
  state: executionState,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  phases: z.array(phaseResultSchema),
  decision: decisionRecordSchema.nullable().meta({ description: 'null until phase 5 has decided.' }),
  exitCode: z.int().optional(),
  interruptedBy: z.string().optional().meta({
    description:
      'The signal that interrupted the run (SIGINT, SIGTERM, SIGHUP, SIGQUIT); the exit code is 128 + its number.',
  }),
  worklog: z.object({ markdown: z.string(), json: z.string() }).optional(),
  iterations: z.array(iterationRecordSchema).optional().meta({
    description:
      "`--until-green` only: every iteration, oldest first (the last one's phases are also `phases`). Absent on a single run.",
  }),
  loop: loopRecordSchema.optional().meta({ description: '`--until-green` only: why the loop stopped.' }),
});
export type RunRecord = Omit<z.output<typeof runRecordSchema>, 'phases' | 'iterations'> & {
  phases: PhaseResult[];
  iterations?: IterationRecord[];
};

/** JSON Schema of the run record that `--json` prints (`tdl schema --run-record`). */
export function runRecordJsonSchema(): Record<string, unknown> {
  return {
    // The input side leaves objects open (no `additionalProperties: false`): readers must accept fields
    // added later. Nothing in the record is transformed, so input and output are the same shape.
    ...z.toJSONSchema(runRecordSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'tdl run record',
  } as Record<string, unknown>;
}

/**
 * Checks a stored record against the schema; the problem names the first key that is wrong. The
 * record is returned as stored (compact): `parseStoredRecord` (src/history/compact.ts) also migrates it.
 */
export function parseRunRecord(
  value: unknown,
): { ok: true; record: RunRecord } | { ok: false; problem: string } {
  const parsed = runRecordSchema.safeParse(value);
  // The value itself, not parsed.data: parsing strips fields this version does not know.
  if (parsed.success) return { ok: true, record: value as RunRecord };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
}
