/** What fails an audit, decided once for `tdl audit`'s exit code and phase 4's verdict. */
import type { Verdict } from '../core/states.js';
import type { AuditReport } from './engine.js';
import type { Violation } from './types.js';

/**
 * A violation fails when its severity is `error`, it is not known to the baseline, and, when a base
 * was compared, it was introduced by the change. Warnings and infos never fail.
 */
export function isFailing(v: Violation, report: Pick<AuditReport, 'base'>): boolean {
  if (v.severity !== 'error') return false;
  if (v.status === 'known') return false;
  if (report.base && !v.introduced) return false;
  return true;
}

export interface AuditOutcome {
  verdict: Verdict;
  failing: Violation[];
  reasons: string[];
}

export function auditOutcome(report: AuditReport, strict: boolean): AuditOutcome {
  const failing = report.violations.filter((v) => isFailing(v, report));
  const reasons: string[] = [];
  if (failing.length)
    reasons.push(
      `${failing.length} failing violation(s) (error severity, ${report.base ? 'introduced since the base' : 'not in the baseline'})`,
    );
  if (strict && report.baseline?.fixed.length && !report.baseline.updated)
    reasons.push(
      `--strict: the baseline holds ${report.baseline.fixed.length} entr(y/ies) that no longer occur; run --update-baseline`,
    );
  const broken = report.external.filter((e) => e.state !== 'completed');
  if (reasons.length) return { verdict: 'fail', failing, reasons };
  if (broken.length)
    return {
      verdict: 'inconclusive',
      failing,
      reasons: broken.map((e) => `external auditor ${e.id} ${e.state}: ${e.reason ?? ''}`),
    };
  return { verdict: 'pass', failing, reasons: ['no failing violation'] };
}
