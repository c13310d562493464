import type { SelectTestsData } from '../../phases/1-select-tests/index.js';
import { table } from '../markdown.js';
import type { SectionRenderer } from './types.js';

export const renderSelectTests: SectionRenderer = (result, _record, view) => {
  const data = result.data as SelectTestsData | undefined;
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
  parts.push(
    data.previous
      ? `Previous run: \`${data.previous.runId}\` (${data.previous.startedAt}), decision: ${data.previous.decision ?? 'none'}${data.previous.worklog ? `, worklog [${view.rel(data.previous.worklog)}](${view.rel(data.previous.worklog)})` : ''}.`
      : 'Previous run: none found for this playbook.',
  );
  parts.push(
    data.openIssues
      ? `Open issues with the playbook labels: ${data.openIssues.length ? data.openIssues.map((i) => `[#${i.number}](${i.url}) ${i.title}`).join('; ') : 'none'}.`
      : `Open issues: ${data.openIssuesNote}.`,
  );
  return parts.join('\n\n');
};
