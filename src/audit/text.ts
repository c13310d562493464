/** The human summary of an audit (stderr of `tdl audit`). */
import type { AuditReport } from './engine.js';
import type { AuditOutcome } from './outcome.js';

export function renderAuditText(report: AuditReport, outcome: AuditOutcome, limit = 50): string {
  const lines: string[] = [];
  lines.push(
    `tdl audit: ${report.filesAudited} files (${report.source === 'git' ? 'git ls-files' : 'folder walk'}) in ${report.durationMs} ms; ${report.violations.length} violation(s)`,
  );
  if (report.skipped.count) {
    const reasons = Object.entries(report.skipped.byReason).map(([r, n]) => `${n} ${r}`);
    const first = report.skipped.files.slice(0, 5).map((f) => `${f.file} (${f.reason})`);
    lines.push(
      `  skipped ${report.skipped.count} file(s) not read: ${reasons.join(', ')}; e.g. ${first.join(', ')}${report.skipped.count > first.length ? ' … (--json lists them)' : ''}`,
    );
  }
  for (const [name, s] of Object.entries(report.scopes)) {
    lines.push(
      `  scope ${name}: score ${s.score.toFixed(1)} (${s.files - s.filesWithViolations}/${s.files} files clean)`,
    );
  }
  const shown = report.violations.slice(0, limit);
  for (const v of shown) {
    const tags = [v.status, v.introduced === undefined ? undefined : v.introduced ? 'introduced' : undefined]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `${v.file}:${v.line}: ${v.severity} [${v.ruleId}]${tags ? ` (${tags})` : ''} ${v.message}${v.fix ? ` — fix: ${v.fix}` : ''}`,
    );
  }
  if (report.violations.length > shown.length)
    lines.push(`… and ${report.violations.length - shown.length} more (--json lists all)`);
  if (report.baseline) {
    const b = report.baseline;
    lines.push(
      b.updated
        ? `baseline ${b.file} written: ${report.violations.length} entr(y/ies)`
        : `baseline: ${b.newCount} new, ${b.knownCount} known, ${b.fixed.length} fixed`,
    );
  } else lines.push('baseline: none (write one with --update-baseline)');
  if (report.base)
    lines.push(
      `since ${report.base.ref} (${report.base.commit.slice(0, 12)}): ${report.base.changedFiles} changed file(s), ${report.base.introducedCount} introduced, ${report.base.fixedCount} fixed`,
    );
  for (const e of report.external)
    lines.push(
      `external ${e.id}: ${e.state}, ${e.violations} violation(s)${e.reason ? ` (${e.reason})` : ''}`,
    );
  lines.push(`verdict: ${outcome.verdict} — ${outcome.reasons.join('; ')}`);
  return lines.join('\n');
}
