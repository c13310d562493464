import { dataOf } from '../../phase-data/index.js';
import { escapeHtml, table } from '../../worklog/markdown.js';
import type { SectionRenderer } from '../../worklog/section.js';

const MAX_ISSUES_SHOWN = 20;

export const renderSelectTests: SectionRenderer = (result, _record, view) => {
  const data = dataOf(result, 'select-tests');
  if (!data) return '';
  const parts = [
    `Focus: \`${data.focus}\`; order within a tier: ${data.order}.`,
    table(
      ['#', 'Suite', 'Tier', 'Why'],
      data.selected.map((s, i) => [i + 1, `\`${s.id}\``, s.tier, s.reason]),
    ),
  ];
  if (data.excluded.length) {
    parts.push(`Not selected: ${data.excluded.map((e) => `\`${e.id}\` (${e.reason})`).join('; ')}.`);
  }
  const prev = data.previous;
  parts.push(
    prev
      ? `Previous run: \`${prev.runId}\` (${prev.startedAt}), decision: ${prev.decision ?? 'none'}${prev.failing === undefined ? '' : `, ${prev.failing} failing test(s)`}${prev.worklog ? `, worklog [${view.rel(prev.worklog)}](${view.rel(prev.worklog)})` : ''}.`
      : 'Previous run: none found for this playbook.',
  );
  if (!data.openIssues) parts.push(`Open issues: ${data.openIssuesNote}.`);
  else if (data.openIssues.length === 0) parts.push(`Open issues: none (${data.openIssuesNote}).`);
  else {
    const shown = data.openIssues.slice(0, MAX_ISSUES_SHOWN);
    const lines = shown.map((i) => `- [#${i.number}](${i.url}) ${escapeHtml(i.title)}`);
    if (data.openIssues.length > shown.length)
      lines.push(`- …and ${data.openIssues.length - shown.length} more`);
    parts.push(`Open issues (${data.openIssues.length}; ${data.openIssuesNote}):\n\n${lines.join('\n')}`);
  }
  return parts.join('\n\n');
};
