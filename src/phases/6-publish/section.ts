import { dataOf } from '../../phase-data/index.js';
import { table } from '../../worklog/markdown.js';
import type { SectionRenderer } from '../../worklog/section.js';

export const renderPublish: SectionRenderer = (result, _record, view) => {
  const data = dataOf(result, 'publish');
  if (!data) return '';
  const parts = [
    `- **Target:** ${data.target} (${data.targetReason})`,
    `- **Route:** ${data.route} — ${data.rule}`,
  ];
  if (data.outbox)
    parts.push(`- **Outbox:** \`${view.rel(data.outbox)}\` (send it with \`tdl publish <runId>\`)`);
  const out = [parts.join('\n')];
  if (data.actions.length)
    out.push(
      table(
        ['#', 'Action', 'Result', 'Link'],
        data.actions.map((a, i) => [i + 1, a.action, a.status, a.url ? `[#${a.number}](${a.url})` : '']),
      ),
    );
  else out.push('Nothing to publish.');
  const links = data.issues.map(
    (i) => `[#${i.number}](${i.url}) ${i.kind === 'master' ? '(master) ' : ''}${i.state}`,
  );
  if (data.pull) links.unshift(`pull request [#${data.pull.number}](${data.pull.url})`);
  if (links.length) out.push(`Links: ${links.join('; ')}.`);
  return out.join('\n\n');
};
