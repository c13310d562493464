/**
 * The run record: what a run did, phase by phase. It is persisted after every phase, printed by
 * `--json`, and is the only source of every number in the worklog.
 *
 * The record is defined once, as a zod schema: the TypeScript types below are derived from it. Objects
 * are open (additional properties allowed): adding a field is compatible, so it does not bump
 * schemaVersion. A phase's `data` is open here (the core does not know the phases): the record with
 * each phase's data schema, which stored records are checked against and which `tdl schema
 * --run-record` prints, is in src/phase-data/record.ts.
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
  data: z
    .unknown()
    .optional()
    .meta({ description: "The phase's own data: its schema by phase id is in src/phase-data/." }),
  findings: z.array(findingSchema),
  error: phaseErrorSchema.optional(),
});
/**
 * Each phase's data type, by phase id. Empty here: the core sits below the phases and does not know
 * their data. src/phase-data/index.ts fills it in by declaration merging (`declare module`), with the
 * types derived from the phases' data schemas; so the core never imports the phases, and yet a
 * `PhaseResult` is a union discriminated by `id` whose `data` is typed. Phase data read from disk is
 * validated against those schemas when the record is loaded (`parseRecordPhases`, src/phase-data/).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by src/phase-data/index.ts (declaration merging).
export interface PhaseDataRegistry {}

type PhaseBase = Omit<z.output<typeof phaseResultSchema>, 'id' | 'data'>;
/** Phase `I`'s entry in the record, its data typed. */
export type PhaseEntry<I extends PhaseId> = PhaseBase & {
  id: I;
  data?: (PhaseDataRegistry & Record<PhaseId, unknown>)[I];
};
/**
 * A phase's entry in the record: a union discriminated by `id` (checking `p.id` types `p.data`). Read
 * a phase by id with `phaseResult`, `phaseData` or `dataOf` (src/phase-data/index.ts).
 */
export type PhaseResult = { [I in PhaseId]: PhaseEntry<I> }[PhaseId];

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
