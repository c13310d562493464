/**
 * The two files a sharded run passes between machines: the plan (`tdl plan`, read by every shard and
 * by the merge) and a shard's partial record (`tdl run --plan … --shard i/N`, read by the merge).
 * Both are checked by zod when read; a plan that does not parse is a usage error (exit 2, naming the
 * file), a partial that does not parse is a finding of the merge (the tier is then inconclusive).
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { errorMessage, UsageError } from '../core/errors.js';
import { stableHash } from '../core/ids.js';
import type { PhaseResult } from '../core/record.js';
import { storedPhaseResultSchema } from '../phase-data/record.js';
import { storedSuiteSchema } from '../phase-data/run-tests.js';
import type { TierPlan } from './plan.js';

export const PLAN_KIND = 'tdl-plan';
export const PARTIAL_KIND = 'tdl-partial';
export const SHARD_FORMAT_VERSION = 1;

const chunkSchema = z.object({
  id: z.string(),
  suite: z.string(),
  tier: z.int(),
  shard: z.int().min(1),
  files: z.array(z.string()).optional(),
  runner: z.object({ index: z.int().min(1), count: z.int().min(1) }).optional(),
  estimateMs: z.number(),
  estimated: z.boolean(),
});

const tierPlanSchema = z.object({
  tier: z.int(),
  suites: z.array(z.string()),
  chunks: z.array(chunkSchema),
  shards: z.array(z.object({ index: z.int(), chunks: z.array(z.string()), plannedMs: z.number() })),
  balance: z.object({ idealMs: z.number(), slowestMs: z.number(), meanMs: z.number(), ratio: z.number() }),
  estimates: z.array(z.string()),
});

export const planSchema = z.object({
  kind: z.literal(PLAN_KIND),
  version: z.literal(SHARD_FORMAT_VERSION),
  runId: z.string(),
  /** Hash of everything else in the plan: a partial names it, so a partial of another plan is foreign. */
  digest: z.string(),
  createdAt: z.string(),
  playbook: z.object({
    name: z.string(),
    /** Relative to the git root, so a shard on another machine finds it in its own checkout. */
    file: z.string(),
    /** Hash of the suites and gates as planned: a shard refuses a playbook that changed since. */
    suitesDigest: z.string(),
  }),
  repo: z.object({
    commit: z.string().nullable(),
    branch: z.string().nullable(),
    dirty: z.boolean().nullable(),
  }),
  focus: z.string(),
  shards: z.int().min(1),
  /** Phases 0 and 1 as `tdl plan` ran them (the finish step puts them in the run record). */
  phases: z.array(storedPhaseResultSchema),
  tiers: z.array(tierPlanSchema),
});
export type PlanDocument = Omit<z.output<typeof planSchema>, 'tiers' | 'phases'> & {
  tiers: TierPlan[];
  phases: PhaseResult[];
};

export const partialSchema = z.object({
  kind: z.literal(PARTIAL_KIND),
  version: z.literal(SHARD_FORMAT_VERSION),
  runId: z.string(),
  planDigest: z.string(),
  tier: z.int(),
  shard: z.object({ index: z.int().min(1), count: z.int().min(1) }),
  host: z.string(),
  /** Where it ran: CI and Cloud Run variables that say which job, task and attempt (never secrets). */
  environment: z.record(z.string(), z.string()),
  commit: z.string().nullable(),
  state: z.enum(['completed', 'cancelled']),
  startedAt: z.string(),
  endedAt: z.string(),
  wallMs: z.number(),
  /** Each chunk's suite result (passing tests compact, as in the run record on disk). */
  chunks: z.array(z.object({ id: z.string(), suite: storedSuiteSchema })),
});
export type PartialRecord = z.output<typeof partialSchema>;

/**
 * True when `value` is a plan (checked by zod, phases 0 and 1 with their data); else `why` gets the
 * first problem. The value itself is kept: zod's copy strips what the schema leaves open.
 */
function isPlan(value: unknown, why: string[]): value is PlanDocument {
  const parsed = planSchema.safeParse(value);
  if (parsed.success) return true;
  const issue = parsed.error.issues[0];
  why.push(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  return false;
}

/** True when `value` is a partial (checked by zod); else `why` gets the first problem. */
function isPartial(value: unknown, why: string[]): value is PartialRecord {
  const parsed = partialSchema.safeParse(value);
  if (parsed.success) return true;
  const issue = parsed.error.issues[0];
  why.push(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  return false;
}

/** The digest of a plan: a hash of its content without the digest itself. */
export function planDigest(plan: Omit<PlanDocument, 'digest'> & { digest?: string }): string {
  const { digest: _drop, ...rest } = plan;
  return stableHash(JSON.stringify(rest), 24);
}

/** Reads and checks a plan file; any problem is a usage error naming the file. */
export function readPlan(file: string): PlanDocument {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      'EPLAN',
      `${file}: not a readable plan (${errorMessage(error)})`,
      'make one with `tdl plan --json > plan.json`',
    );
  }
  const why: string[] = [];
  if (!isPlan(value, why))
    throw new UsageError(
      'EPLAN',
      `${file}: not a tdl plan: ${why[0]}`,
      'make one with `tdl plan --json > plan.json`',
    );
  const plan = value;
  if (planDigest(plan) !== plan.digest)
    throw new UsageError(
      'EPLAN',
      `${file}: the plan was changed after it was made (its digest does not match)`,
    );
  return plan;
}

/** A partial as the merge reads it: the record, or why it could not be used. */
export type ReadPartial = { file: string; partial: PartialRecord } | { file: string; problem: string };

export function parsePartial(file: string, text: string): ReadPartial {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { file, problem: `not JSON (${errorMessage(error)})` };
  }
  const why: string[] = [];
  // The value itself: zod's copy strips the suite fields the schema leaves open.
  return isPartial(value, why) ? { file, partial: value } : { file, problem: `not a tdl partial: ${why[0]}` };
}

/** Parses a `--shard i/N` value (1-based). */
export function parseShard(text: string, from = '--shard'): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError('ESHARD', `${from} is set as "${text}"; expected i/N with 1 ≤ i ≤ N, e.g. 2/8`);
  return { index, count };
}

/**
 * The shard of this process when `--shard` is not given: inside a Cloud Run Jobs task, from
 * CLOUD_RUN_TASK_INDEX (0-based) and CLOUD_RUN_TASK_COUNT; null elsewhere.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): { index: number; count: number } | null {
  const index = env.CLOUD_RUN_TASK_INDEX;
  const count = env.CLOUD_RUN_TASK_COUNT;
  if (index === undefined || count === undefined) return null;
  return parseShard(`${Number(index) + 1}/${count}`, 'CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT');
}
