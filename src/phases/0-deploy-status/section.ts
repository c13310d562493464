import { formatDuration } from '../../core/format.js';
import type { ServiceStatus } from '../../phase-data/deploy-status.js';
import { dataOf } from '../../phase-data/index.js';
import { ageText, trafficText } from '../../services/cloud-run-text.js';
import { table } from '../../worklog/markdown.js';
import type { SectionRenderer } from '../../worklog/section.js';

function condition(s: ServiceStatus): string {
  const c = s.createdCondition ?? s.condition;
  if (!c) return '';
  return `${c.state.replace(/^CONDITION_/, '')}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

export const renderDeployStatus: SectionRenderer = (result) => {
  const data = dataOf(result, 'deploy-status');
  if (!data) return '';
  const parts: string[] = [];
  if (data.project)
    parts.push(
      `Cloud Run project \`${data.project}\`, region \`${data.region}\`, read from \`${data.target}\` at ${data.checkedAt}.`,
    );
  parts.push(
    table(
      [
        'Service',
        'Verdict',
        'Latest created',
        'Latest ready',
        'Ready created (age)',
        'Ready condition',
        'Traffic',
        'URL',
      ],
      data.services.map((s) => [
        `\`${s.name}\``,
        `${s.verdict} (${s.kind ?? 'unknown'})`,
        s.latestCreatedRevision,
        s.latestReadyRevision,
        s.readyCreateTime ? `${s.readyCreateTime} (${ageText(s.readyAgeMs ?? 0)})` : '',
        condition(s),
        s.traffic ? trafficText(s.traffic) : '',
        s.url,
      ]),
    ),
  );
  parts.push(
    data.services
      .map((s) => `- \`${s.name}\`: ${s.verdict} — ${s.reason}${s.action ? `. **Do:** ${s.action}` : ''}`)
      .join('\n'),
  );
  const deploys = data.services.filter((s) => s.deploy);
  if (deploys.length) {
    parts.push(
      `**Deploys**\n\n${table(
        ['Service', 'Command', 'Outcome', 'Command time', 'Wait', 'Old revision', 'New revision', 'Tag'],
        deploys.map((s) => {
          const d = s.deploy!;
          return [
            `\`${s.name}\``,
            `\`${d.command.join(' ')}\``,
            `${d.outcome}: ${d.message}`,
            d.durationMs === null ? '' : formatDuration(d.durationMs),
            d.waitMs === null ? '' : `${formatDuration(d.waitMs)} (${d.polls} polls)`,
            d.oldRevision,
            d.newRevision,
            d.tag,
          ];
        }),
      )}`,
    );
  }
  const targets = data.services.filter((s) => s.target);
  if (targets.length) {
    parts.push(
      `**Suites test** ${targets
        .map(
          (s) =>
            `\`${s.name}\` at revision ${s.target!.revision ?? 'unknown'} (${s.target!.via === 'tag' ? 'tagged URL' : 'service URL'} ${s.target!.url ?? 'unknown'})`,
        )
        .join('; ')}.`,
    );
  }
  return parts.join('\n\n');
};
