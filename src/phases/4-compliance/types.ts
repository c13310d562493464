/**
 * Contract of phase 4's data (read by phase 5's `no-new-violations`, the worklog figures and the
 * trend). The compliance work may add fields; it keeps these.
 */
export interface ComplianceSummary {
  totalViolations: number;
  /** Score 0-100 per scope: share of files in the scope with no violation. */
  scores: Record<string, number>;
  /** Violations introduced since `--base`; null when no base was compared. */
  introducedCount: number | null;
  /** Violations not in the baseline; null when there is no baseline. */
  newSinceBaselineCount: number | null;
}
