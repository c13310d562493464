/**
 * Contract of phase 0's data in the run record (read by phase 5's `deployment-healthy` and by the
 * worklog). The phase 0 work may add fields; it keeps these.
 */
import * as z from 'zod';
import { cloudRunConditionSchema, trafficEntrySchema, verdictSchema } from './shared.js';

/** What was found, in one word: the row's headline in the worklog and `tdl status`. */
export const serviceKindSchema = z.enum([
  'healthy',
  'stale',
  'not-ready',
  'failed-revision',
  'no-traffic',
  'not-found',
  'unreadable',
]);
export type ServiceKind = z.output<typeof serviceKindSchema>;

/** The URL and revision the test suites are bound to for one service. */
export const serviceTargetSchema = z.object({
  url: z.string().nullable(),
  revision: z.string().nullable(),
  /** `tag`: the tagged URL of a just-deployed revision; `service`: the service's main URL. */
  via: z.enum(['service', 'tag']),
});
export type ServiceTarget = z.output<typeof serviceTargetSchema>;

/** A deploy run by phase 0 (or, under --dry-run / `tdl status`, the one it would run). */
export const deployRecordSchema = z.object({
  command: z.array(z.string()),
  /** planned: not run (dry run or `tdl status`); ready: a new revision is Ready; the rest: it failed. */
  outcome: z.enum(['planned', 'ready', 'failed-revision', 'timeout', 'command-failed']),
  message: z.string(),
  exitCode: z.number().nullable(),
  /** Duration of the command itself. */
  durationMs: z.number().nullable(),
  /** Time spent polling for the new revision after the command. */
  waitMs: z.number().nullable(),
  polls: z.number(),
  logFile: z.string().nullable(),
  /** Latest created revision before the deploy. */
  oldRevision: z.string().nullable(),
  /** The revision the deploy created (null if none appeared). */
  newRevision: z.string().nullable(),
  /** The traffic tag given to the new revision (`tagRevision: true`). */
  tag: z.string().nullable(),
});
export type DeployRecord = z.output<typeof deployRecordSchema>;

export const serviceStatusSchema = z.object({
  name: z.string(),
  /** pass: ready, fresh and serving; fail: stale, not ready or missing; inconclusive: could not be read. */
  verdict: verdictSchema,
  reason: z.string(),
  url: z.string().nullable(),
  latestReadyRevision: z.string().nullable(),
  latestCreatedRevision: z.string().nullable(),
  kind: serviceKindSchema.optional(),
  /** What to do about it (null when healthy). */
  action: z.string().nullable().optional(),
  /** Create time of the latest ready revision, and its age when it was checked. */
  readyCreateTime: z.string().nullable().optional(),
  readyAgeMs: z.number().nullable().optional(),
  freshWithinMs: z.number().optional(),
  stale: z.boolean().optional(),
  /** The service's Ready condition (it reflects the latest created revision). */
  condition: cloudRunConditionSchema.nullable().optional(),
  /** Ready condition of the latest created revision, when it is not the ready one. */
  createdCondition: cloudRunConditionSchema.nullable().optional(),
  traffic: z.array(trafficEntrySchema).optional(),
  deploy: deployRecordSchema.nullable().optional(),
  target: serviceTargetSchema.nullable().optional(),
  /** Error code when the service could not be read (ECLOUDRUN_...). */
  errorCode: z.string().nullable().optional(),
});
export type ServiceStatus = z.output<typeof serviceStatusSchema>;

/** Phase 0's data. */
export const deployStatusDataSchema = z.object({
  services: z.array(serviceStatusSchema),
  /** Where Cloud Run was read: `run.googleapis.com` or an emulator's host:port. */
  target: z.string().optional(),
  project: z.string().optional(),
  region: z.string().optional(),
  checkedAt: z.string().optional(),
});
export type DeployStatusData = z.output<typeof deployStatusDataSchema>;

/** `TDL_SERVICE_<NAME>_` prefix: the name upper-cased, `-` (and any non-alphanumeric) as `_`. */
export function serviceEnvPrefix(name: string): string {
  return `TDL_SERVICE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** The per-service targets phase 0 recorded (empty when phase 0 has none): give it phase 0's data. */
export function serviceTargets(
  data: DeployStatusData | undefined,
): { name: string; target: ServiceTarget }[] {
  return (data?.services ?? []).flatMap((s) => (s.target ? [{ name: s.name, target: s.target }] : []));
}

/** Environment for test suites: `TDL_SERVICE_<NAME>_URL` and `TDL_SERVICE_<NAME>_REVISION` per service. */
export function serviceEnv(
  targets: readonly { name: string; target: ServiceTarget }[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name, target } of targets) {
    if (target.url) env[`${serviceEnvPrefix(name)}URL`] = target.url;
    if (target.revision) env[`${serviceEnvPrefix(name)}REVISION`] = target.revision;
  }
  return env;
}
