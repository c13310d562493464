import { dataOf } from '../../phase-data/index.js';
import { table } from '../../worklog/markdown.js';
import type { SectionRenderer } from '../../worklog/section.js';
import { findingsTable } from '../../worklog/section.js';

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}

export const renderCompliance: SectionRenderer = (result) => {
  const d = dataOf(result, 'compliance');
  if (!d) return findingsTable(result.findings);
  const parts: string[] = [];
  parts.push(
    table(
      ['Scope', 'Files', 'Files with violations', 'Score', 'Errors', 'Warnings'],
      Object.entries(d.scopes).map(([name, s]) => [
        `\`${name}\``,
        s.files,
        s.filesWithViolations,
        s.score.toFixed(1),
        s.bySeverity.error ?? 0,
        s.bySeverity.warning ?? 0,
      ]),
    ),
  );
  parts.push(
    d.previous
      ? `Change since the previous run (\`${d.previous.runId}\`): ${d.previous.totalViolations} → ${d.totalViolations} (${signed(d.totalViolations - d.previous.totalViolations)}).`
      : 'Change since the previous run: no earlier run of this playbook measured violations.',
  );
  parts.push(
    d.baseline
      ? `New since the baseline (\`${d.baseline.file}\`, ${d.baseline.entries} entries): ${d.newSinceBaselineCount}; known: ${d.baseline.knownCount}; fixed: ${d.baseline.fixedCount}.`
      : 'New since the baseline: no baseline (write one with `tdl audit --update-baseline`).',
  );
  parts.push(
    d.base
      ? `Introduced since the base (${d.baseNote}, \`${d.base.commit.slice(0, 12)}\`): ${d.introducedCount} in ${d.base.changedFiles} changed file(s); fixed since the base: ${d.base.fixedCount}.`
      : `Introduced since the base: not computed (${d.baseNote}).`,
  );
  const rules = Object.entries(d.rules ?? {});
  const before = d.previous?.ruleScores;
  if (rules.length)
    parts.push(
      table(
        ['Rule', 'Kind', 'Errors', 'Warnings', 'New', 'Fixed', 'Files', 'Score', 'Previous run'],
        rules.map(([id, r]) => [
          `\`${id}\``,
          r.kind,
          r.bySeverity.error ?? 0,
          r.bySeverity.warning ?? 0,
          r.new ?? '—',
          r.fixed ?? '—',
          r.files,
          r.score.toFixed(1),
          before?.[id] === undefined ? '—' : before[id].toFixed(1),
        ]),
      ),
    );
  else {
    const counts = Object.entries(d.byRule).sort((a, b) => b[1] - a[1]);
    if (counts.length)
      parts.push(
        table(
          ['Rule', 'Violations'],
          counts.map(([r, n]) => [`\`${r}\``, n]),
        ),
      );
  }
  for (const w of d.warnings ?? []) parts.push(`Warning: ${w}.`);
  if (d.top.length)
    parts.push(
      `Top ${d.top.length}:\n\n${table(
        ['Severity', 'Rule', 'Where', 'Finding', 'Status'],
        d.top.map((v) => [
          v.severity,
          `\`${v.ruleId}\``,
          `\`${v.file}:${v.line}\``,
          v.fix ? `${v.message} — fix: ${v.fix}` : v.message,
          [v.status, v.introduced ? 'introduced' : undefined].filter(Boolean).join(', '),
        ]),
      )}`,
    );
  if (d.introduced.length)
    parts.push(
      `Introduced:\n\n${table(
        ['Severity', 'Rule', 'Where', 'Finding'],
        d.introduced.map((v) => [v.severity, `\`${v.ruleId}\``, `\`${v.file}:${v.line}\``, v.message]),
      )}`,
    );
  if (d.external.length)
    parts.push(
      table(
        ['External auditor', 'State', 'Violations', 'Note'],
        d.external.map((e) => [`\`${e.id}\``, e.state, e.violations, e.reason ?? '']),
      ),
    );
  return parts.join('\n\n');
};
