/**
 * Contract of phase 4's data (read by phase 5's `no-new-violations`, the worklog figures and the
 * trend). The compliance work may add fields; it keeps these.
 */
import * as z from 'zod';
import { externalRunSchema, ruleSummarySchema, scopeScoreSchema, violationSchema } from './shared.js';

const numbers = z.record(z.string(), z.number());

/** Phase 4's data. */
export const complianceSummarySchema = z.object({
  totalViolations: z.number(),
  /** Score 0-100 per scope: the mean of its rules' severity-weighted scores (README, "Scores"). */
  scores: numbers,
  /** Violations introduced since `--base`; null when no base was compared. */
  introducedCount: z.number().nullable(),
  /** Violations not in the baseline; null when there is no baseline. */
  newSinceBaselineCount: z.number().nullable(),
  // ---- added by the compliance phase
  filesAudited: z.number(),
  /** Files in scope that were not read (symlinks, too large, binary, minified), counted by reason. */
  skipped: z.object({ count: z.number(), byReason: numbers }).optional(),
  /** Per scope: files, files with violations, score, counts by rule and severity. */
  scopes: z.record(z.string(), scopeScoreSchema),
  byRule: numbers,
  /** Per rule: count, new, fixed, files, score (and score at the base). */
  rules: z.record(z.string(), ruleSummarySchema.extend({ scoreAtBase: z.number().nullable() })).optional(),
  /** Playbook problems the audit revealed (a scope, rule or allowIn matching no file). */
  warnings: z.array(z.string()).optional(),
  bySeverity: numbers,
  /** Violations that fail the audit (error severity, new, and introduced when a base was compared). */
  failingCount: z.number(),
  /** The first 20 violations (errors first), with file:line. */
  top: z.array(violationSchema),
  /** Introduced violations (at most 50); empty when no base was compared. */
  introduced: z.array(violationSchema),
  /** The base compared, or null with `baseNote` saying why none was. */
  base: z
    .object({ ref: z.string(), commit: z.string(), changedFiles: z.number(), fixedCount: z.number() })
    .nullable(),
  baseNote: z.string(),
  baseline: z
    .object({ file: z.string(), entries: z.number(), knownCount: z.number(), fixedCount: z.number() })
    .nullable(),
  /** The latest earlier run of this playbook that measured violations. */
  previous: z
    .object({
      runId: z.string(),
      startedAt: z.string(),
      totalViolations: z.number(),
      /** That run's rule scores (absent from runs before scores per rule existed). */
      ruleScores: numbers.optional(),
    })
    .nullable(),
  external: z.array(externalRunSchema),
});
export type ComplianceSummary = z.output<typeof complianceSummarySchema>;
