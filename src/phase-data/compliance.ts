/**
 * Contract of phase 4's data (read by phase 5's `no-new-violations`, the worklog figures and the
 * trend). The compliance work may add fields; it keeps these.
 */
import type { ExternalRun } from '../audit/external.js';
import type { RuleSummary, ScopeScore } from '../audit/score.js';
import type { Violation } from '../audit/types.js';

export interface ComplianceSummary {
  totalViolations: number;
  /** Score 0-100 per scope: the mean of its rules' severity-weighted scores (README, "Scores"). */
  scores: Record<string, number>;
  /** Violations introduced since `--base`; null when no base was compared. */
  introducedCount: number | null;
  /** Violations not in the baseline; null when there is no baseline. */
  newSinceBaselineCount: number | null;
  // ---- added by the compliance phase
  filesAudited: number;
  /** Files in scope that were not read (symlinks, too large, binary, minified), counted by reason. */
  skipped?: { count: number; byReason: Record<string, number> };
  /** Per scope: files, files with violations, score, counts by rule and severity. */
  scopes: Record<string, ScopeScore>;
  byRule: Record<string, number>;
  /** Per rule: count, new, fixed, files, score (and score at the base). */
  rules?: Record<string, RuleSummary & { scoreAtBase: number | null }>;
  /** Playbook problems the audit revealed (a scope, rule or allowIn matching no file). */
  warnings?: string[];
  bySeverity: Record<string, number>;
  /** Violations that fail the audit (error severity, new, and introduced when a base was compared). */
  failingCount: number;
  /** The first 20 violations (errors first), with file:line. */
  top: Violation[];
  /** Introduced violations (at most 50); empty when no base was compared. */
  introduced: Violation[];
  /** The base compared, or null with `baseNote` saying why none was. */
  base: { ref: string; commit: string; changedFiles: number; fixedCount: number } | null;
  baseNote: string;
  baseline: { file: string; entries: number; knownCount: number; fixedCount: number } | null;
  /** The latest earlier run of this playbook that measured violations. */
  previous: {
    runId: string;
    startedAt: string;
    totalViolations: number;
    /** That run's rule scores (absent from runs before scores per rule existed). */
    ruleScores?: Record<string, number>;
  } | null;
  external: ExternalRun[];
}
