/** Phase 4 compliance: the single-source-of-truth audit of the repository under test. */
import type { Finding } from '../../core/record.js';
import { type ComplianceSummary, complianceSummarySchema } from '../../phase-data/compliance.js';
import { phaseResult } from '../../phase-data/index.js';
import { baseCommit } from '../base.js';
import type { RunContext } from '../context.js';
import type { Phase, PhaseOutcome } from '../phase.js';
import { renderCompliance } from './section.js';

const TOP = 20;

/**
 * The ref the audit compares with: `audit.base` if set; else the merge base of HEAD with the base
 * branch (phases/base.ts, the same one phase 5 uses) unless HEAD is that branch's tip; else none,
 * and introduced violations are not computed.
 */
async function auditBase(ctx: RunContext): Promise<{ ref: string | null; note: string }> {
  const { audit } = ctx.playbook;
  if (audit?.base) return { ref: audit.base, note: `audit.base: ${audit.base}` };
  const base = await baseCommit(ctx);
  // On the base branch's tip there is no change to compare: violations are judged against the
  // baseline, as without a base (comparing HEAD with itself would call none introduced).
  if (base.mergeBase && base.mergeBase === ctx.record.repo.commit)
    return {
      ref: null,
      note: `HEAD is the tip of ${base.ref}: no change to compare with, violations are judged against the baseline`,
    };
  return { ref: base.mergeBase, note: base.note };
}

function previousRun(ctx: RunContext): ComplianceSummary['previous'] {
  for (const h of ctx.history) {
    const p = phaseResult(h.record, 'compliance');
    if (typeof p?.data?.totalViolations === 'number')
      return {
        runId: h.record.runId,
        startedAt: h.record.startedAt,
        totalViolations: p.data.totalViolations,
        ...(p.data.rules
          ? { ruleScores: Object.fromEntries(Object.entries(p.data.rules).map(([id, r]) => [id, r.score])) }
          : {}),
      };
  }
  return null;
}

export const compliancePhase: Phase<ComplianceSummary> = {
  id: 'compliance',
  title: 'Compliance audit',
  render: renderCompliance,
  dataSchema: complianceSummarySchema,
  safeInDryRun: true,
  needs: [],
  asksBaseCommit: true,
  async run(ctx): Promise<PhaseOutcome<ComplianceSummary>> {
    const config = ctx.playbook.audit;
    if (!config) return { state: 'skipped', reason: 'no audit section in the playbook' };
    // The audit engine (its readers, rules and picomatch) loads only for a playbook with an audit
    // section: a run without one does not pay for it at start-up.
    const [{ runAudit }, { auditOutcome, isFailing }] = await Promise.all([
      import('../../audit/engine.js'),
      import('../../audit/outcome.js'),
    ]);
    const base = await auditBase(ctx);
    const report = await runAudit({
      root: ctx.playbook.repoDir,
      // Under --dry-run external auditors (outside commands) are not started.
      config: ctx.options.dryRun ? { ...config, external: [] } : config,
      git: ctx.ports.git,
      process: ctx.ports.process,
      base: base.ref,
      baseline: 'compare',
      logDir: ctx.paths.runDir,
      reportDir: ctx.paths.reportDir,
      env: ctx.env,
      redactor: ctx.redactor,
      signal: ctx.signal,
    });
    const outcome = auditOutcome(report, false);
    const byRule: Record<string, number> = {};
    const bySeverity: Record<string, number> = {};
    for (const v of report.violations) {
      byRule[v.ruleId] = (byRule[v.ruleId] ?? 0) + 1;
      bySeverity[v.severity] = (bySeverity[v.severity] ?? 0) + 1;
    }
    const data: ComplianceSummary = {
      totalViolations: report.violations.length,
      scores: Object.fromEntries(Object.entries(report.scopes).map(([k, s]) => [k, s.score])),
      introducedCount: report.base ? report.base.introducedCount : null,
      newSinceBaselineCount: report.baseline ? report.baseline.newCount : null,
      filesAudited: report.filesAudited,
      skipped: { count: report.skipped.count, byReason: report.skipped.byReason },
      scopes: report.scopes,
      byRule,
      rules: report.rules,
      warnings: report.warnings,
      bySeverity,
      failingCount: outcome.failing.length,
      top: report.violations.slice(0, TOP),
      introduced: report.violations.filter((v) => v.introduced).slice(0, 50),
      base: report.base
        ? {
            ref: report.base.ref,
            commit: report.base.commit,
            changedFiles: report.base.changedFiles,
            fixedCount: report.base.fixedCount,
          }
        : null,
      baseNote: base.note,
      baseline: report.baseline
        ? {
            file: report.baseline.file,
            entries: report.baseline.entries,
            knownCount: report.baseline.knownCount,
            fixedCount: report.baseline.fixed.length,
          }
        : null,
      previous: previousRun(ctx),
      external: report.external,
    };
    const findings: Finding[] = report.violations
      .filter((v) => isFailing(v, report))
      .slice(0, TOP)
      .map((v) => ({
        kind: v.ruleId,
        severity: v.severity,
        message: v.message,
        subject: `${v.file}:${v.line}`,
      }));
    for (const e of report.external.filter((x) => x.state !== 'completed'))
      findings.push({
        kind: 'external-auditor',
        severity: 'error',
        message: `${e.state}: ${e.reason ?? ''}`,
        subject: e.id,
      });
    return {
      state: 'completed',
      verdict: outcome.verdict,
      reason: `${report.violations.length} violation(s) in ${new Set(report.violations.map((v) => v.file)).size} of ${report.filesAudited} audited file(s); ${outcome.reasons.join('; ')}`,
      data,
      findings,
    };
  },
};
