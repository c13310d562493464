import { describeChange } from '../../clustering/cluster.js';
import { dataOf } from '../../phase-data/index.js';
import type { EvidenceLink, FailureCluster } from '../../phase-data/root-cause.js';
import { LINK_TITLES } from '../../worklog/evidence-links.js';
import { cell, details, excerpt, fence, inert, table } from '../../worklog/markdown.js';
import type { RenderView, SectionRenderer } from '../../worklog/section.js';
import { findingsTable } from '../../worklog/section.js';
import { renderDeploymentEvidence } from './section-deployment.js';

const MAX_TESTS_SHOWN = 20;

function linkValue(link: EvidenceLink, view: RenderView): string {
  if (link.value === null) return `unknown — ${link.unknownBecause ?? 'not established'}`;
  if (!link.href) return link.value;
  // A URL (a GitHub issue) stays as it is; a path (a worklog) is shown relative to the worklog.
  return `[${link.value}](${/^https?:\/\//.test(link.href) ? link.href : view.rel(link.href)})`;
}

function renderCluster(c: FailureCluster, n: number, view: RenderView): string {
  const parts = [
    `### Cluster ${n}: ${inert(c.title)}`,
    '',
    `Fingerprint \`${c.id}\` · ${c.tests.length} test(s) · tier ${c.tier} · signature \`${cell(c.signature).replace(/`/g, "'")}\``,
  ];
  if (c.change) parts.push('', `Broke with one change: ${describeChange(c.change)}.`);
  if (c.evidence?.length) {
    parts.push(
      '',
      table(
        ['#', 'Link', 'Evidence', 'Source'],
        c.evidence.map((l, i) => [i + 1, LINK_TITLES[l.kind], linkValue(l, view), l.source]),
      ),
    );
  }
  const tests = c.tests
    .slice(0, MAX_TESTS_SHOWN)
    .map(
      (t) => `- \`${t.suiteId}\` › ${t.group ? `${inert(t.group)} › ` : ''}${inert(t.name)} (${t.status})`,
    );
  if (c.tests.length > MAX_TESTS_SHOWN) tests.push(`- …and ${c.tests.length - MAX_TESTS_SHOWN} more`);
  parts.push('', tests.join('\n'));
  if (c.stack)
    parts.push('', details('stack of the representative failure', fence(excerpt(c.stack, 30, 3000))));
  if (c.analysis) {
    const a = c.analysis;
    const status = a.timedOut ? 'timed out' : `exit ${a.exitCode ?? 'none'}`;
    parts.push(
      '',
      `**Analysis produced by \`${a.command.join(' ')}\`** (${status}; log \`${view.rel(a.logFile)}\`); not verified by tdl:`,
      '',
      a.markdown
        ? a.markdown
            .split('\n')
            .map((l) => `> ${l}`)
            .join('\n')
        : '> (no output)',
    );
  }
  return parts.join('\n');
}

export const renderRootCause: SectionRenderer = (result, _record, view) => {
  const data = dataOf(result, 'root-cause');
  if (!data) return findingsTable(result.findings);
  const deployment = data.deployment ? `\n\n${renderDeploymentEvidence(data.deployment)}` : '';
  if (data.clusters.length === 0) return `No failing or erroring test: nothing to cluster.${deployment}`;
  const parts = [
    table(
      ['#', 'Fingerprint', 'Tests', 'Tier', 'Error', 'Location'],
      data.clusters.map((c, i) => [
        i + 1,
        `\`${c.id}\``,
        c.tests.length,
        c.tier,
        c.title,
        c.location ? `\`${c.location}\`` : 'unknown',
      ]),
    ),
    ...data.clusters.map((c, i) => renderCluster(c, i + 1, view)),
  ];
  if (result.findings.length) parts.push(findingsTable(result.findings));
  return parts.join('\n\n') + deployment;
};
