import { dataOf } from '../../phase-data/index.js';
import type { StabilityData } from '../../phase-data/stability.js';
import { table } from '../../worklog/markdown.js';
import type { SectionRenderer } from '../../worklog/section.js';

const MAX_EVIDENCE_LINES = 8;

/** A criterion's verdict as shown: "n/a" when the playbook does not configure the part. */
export function verdictCell(c: StabilityData['criteria'][number]): string {
  if (c.applicable === false) return 'n/a';
  return c.verdict === 'pass' ? '✅ pass' : c.verdict === 'fail' ? '❌ fail' : '⚠️ inconclusive';
}

export const renderStability: SectionRenderer = (result, record) => {
  const data = dataOf(result, 'stability');
  if (!data) return '';
  const rows = data.criteria.map((c) => {
    const shown = c.evidence.slice(0, MAX_EVIDENCE_LINES);
    if (c.evidence.length > shown.length) shown.push(`…and ${c.evidence.length - shown.length} more`);
    return [`\`${c.id}\``, c.required ? 'yes' : 'no', verdictCell(c), shown.join('<br>')];
  });
  const parts = [table(['Criterion', 'Required', 'Verdict', 'Evidence'], rows)];
  const compared = data.comparedWith;
  if (compared)
    parts.push(
      `Base ref \`${data.base ?? '?'}\`; compared with ${compared.previous ? `\`${compared.previous}\`` : 'no earlier run'}${compared.baseRun && compared.baseRun !== compared.previous ? ` and \`${compared.baseRun}\` (base branch)` : ''}.`,
    );
  if (record.decision) {
    parts.push(
      `**Decision: ${record.decision.decision.toUpperCase()}**\n\n${record.decision.reasons.map((r) => `- ${r}`).join('\n')}`,
    );
  }
  parts.push(
    '`n/a`: the playbook does not configure that part (no `services`, no `audit`), so it does not block. `inconclusive`: configured but not measured; it blocks when required.',
  );
  return parts.join('\n\n');
};
