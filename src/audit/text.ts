/**
 * The human summary of an audit (stderr of `tdl audit`): what was read, a per-rule summary (count,
 * new, fixed, files, score and its trend), the scopes' scores, then the findings grouped by rule —
 * rules with errors first — at most `perRule` of each, so one noisy rule cannot hide the others.
 */
import type { AuditReport } from './engine.js';
import type { AuditOutcome } from './outcome.js';
import { scoringRule } from './score.js';
import type { Violation } from './types.js';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

function pad(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, k) => Math.max(...cells.map((row) => row[k]!.length)));
  return cells.map((row) =>
    row
      .map((cell, k) => (k === 0 || k === 1 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!)))
      .join('  ')
      .trimEnd(),
  );
}

function scoreText(score: number, atBase: number | null): string {
  if (atBase === null || atBase === score) return score.toFixed(1);
  return `${score.toFixed(1)} (${atBase.toFixed(1)} at base)`;
}

export function renderAuditText(report: AuditReport, outcome: AuditOutcome, perRule = 10): string {
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
  for (const w of report.warnings) lines.push(`  warning: ${w}`);

  const rules = Object.entries(report.rules);
  if (rules.length) {
    const dash = (n: number | null) => (n === null ? '-' : String(n));
    lines.push(
      '',
      ...pad([
        ['rule', 'kind', 'errors', 'warnings', 'infos', 'new', 'fixed', 'files', 'score'],
        ...rules.map(([id, r]) => [
          id,
          r.kind,
          String(r.bySeverity.error ?? 0),
          String(r.bySeverity.warning ?? 0),
          String(r.bySeverity.info ?? 0),
          dash(r.new),
          dash(r.fixed),
          String(r.files),
          scoreText(r.score, r.scoreAtBase),
        ]),
      ]),
    );
  }
  lines.push(
    `scores: ${Object.entries(report.scopes)
      .map(
        ([name, s]) =>
          `${name} ${s.score.toFixed(1)} (${s.files} files, ${s.filesWithViolations} with violations)`,
      )
      .join('; ')}`,
  );

  const groups = new Map<string, Violation[]>();
  for (const v of report.violations) {
    const id = scoringRule(v.ruleId);
    const g = groups.get(id) ?? [];
    groups.set(id, g);
    g.push(v);
  }
  const worst = (g: readonly Violation[]) => Math.min(...g.map((v) => SEVERITY_RANK[v.severity]));
  const order = [...groups.keys()];
  const ordered = [...groups.entries()].sort(
    (a, b) => worst(a[1]) - worst(b[1]) || order.indexOf(a[0]) - order.indexOf(b[0]),
  );
  for (const [id, group] of ordered) {
    lines.push('', `[${id}] ${group.length} violation(s)`);
    for (const v of group.slice(0, perRule)) {
      const tags = [
        v.status,
        v.introduced === undefined ? undefined : v.introduced ? 'introduced' : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `  ${v.file}:${v.line}: ${v.severity}${v.ruleId === id ? '' : ` [${v.ruleId}]`}${tags ? ` (${tags})` : ''} ${v.message}${v.fix ? ` — fix: ${v.fix}` : ''}`,
      );
    }
    if (group.length > perRule)
      lines.push(`  … and ${group.length - perRule} more (--rule ${id} lists them; --json lists all)`);
  }
  lines.push('');
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
