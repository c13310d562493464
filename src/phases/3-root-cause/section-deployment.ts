/** Phase 3's deployment evidence in the worklog: log groups per tested revision, correlation, metric bands. */

import { formatValue } from '../../decision/slo.js';
import type { DeploymentEvidence, LogRead, ServiceLogs } from '../../phase-data/root-cause.js';
import { table } from '../../worklog/markdown.js';

const MAX_GROUPS_SHOWN = 10;

/** The correlation figure in words (worklog, summary): one function so that they cannot disagree. */
export function correlationText(e: DeploymentEvidence): string {
  const c = e.correlation;
  const read = e.logs.filter((l) => l.state === 'read').length;
  if (read === 0) return "correlation not measured: no tested revision's logs could be read";
  if (c.failingTests === 0)
    return `no failing test to correlate; ${e.correlated.length} entr${e.correlated.length === 1 ? 'y' : 'ies'} of this run's trace read`;
  const pct = `${(Math.round((c.rate ?? 0) * 1000) / 10).toFixed(1)}%`;
  const own = c.ownSpanTests
    ? ` (${c.ownSpanTests === c.correlatedTests ? 'all' : c.ownSpanTests} by the test's own span)`
    : '';
  return `${c.correlatedTests} of ${c.failingTests} failing test(s) (${pct}) have an error entry of this run's trace from their own test or suite${own}; ${c.otherEntries} entr${c.otherEntries === 1 ? 'y' : 'ies'} of other traces (or none) read and not attached`;
}

function readText(r: LogRead): string {
  if (r.state === 'read') return `read: ${r.reason}`;
  return `inconclusive (${r.state}): ${r.reason}${r.hint ? ` — ${r.hint}` : ''}`;
}

function baselineText(s: ServiceLogs): string {
  if (!s.baseline) return `no baseline: ${s.noBaseline ?? 'not read'}`;
  if (s.baseline.state !== 'read') return `baseline ${s.baseline.revision} ${readText(s.baseline)}`;
  const n = s.newSignatures?.length ?? 0;
  return `${n} new signature(s) vs ${s.baseline.revision} (${s.baseline.why}; ${s.baseline.entries} entr${s.baseline.entries === 1 ? 'y' : 'ies'})`;
}

function groupsTable(s: ServiceLogs): string {
  const rows = s.groups
    .slice(0, MAX_GROUPS_SHOWN)
    .map((g) => [
      g.count,
      g.severity,
      g.first,
      g.last,
      `\`${g.example.replace(/`/g, "'")}\``,
      g.sourceLocation ? `\`${g.sourceLocation}\`` : null,
      [g.trace, g.spanId ? `span ${g.spanId}` : ''].filter(Boolean).join(', ') || null,
      g.correlated,
      s.newSignatures?.includes(g.signature) ? 'new' : s.newSignatures ? 'also before' : 'unknown',
    ]);
  const more = s.groups.length - rows.length;
  return [
    `**${s.service}** (\`${s.revision}\`), log groups by message signature:`,
    '',
    table(
      [
        'Count',
        'Severity',
        'First',
        'Last',
        'Example (redacted)',
        'Source',
        'Trace / span',
        "This run's trace",
        'vs baseline',
      ],
      rows,
    ),
    ...(more > 0 ? ['', `…and ${more} more group(s)`] : []),
  ].join('\n');
}

export function renderDeploymentEvidence(e: DeploymentEvidence): string {
  const parts = [
    "#### Deployment evidence: the tested revisions' own logs and metrics",
    '',
    `Window ${e.window.start} .. ${e.window.end} · this run's trace id \`${e.traceId}\` (every suite got it in \`TRACEPARENT\`).`,
    '',
    `**Correlation:** ${correlationText(e)}.`,
  ];
  if (e.logs.length) {
    parts.push(
      '',
      table(
        ['Service', 'Tested revision', 'Logs', 'Groups', 'No-new-errors baseline'],
        e.logs.map((s) => [s.service, `\`${s.revision}\``, readText(s), s.groups.length, baselineText(s)]),
      ),
    );
    for (const s of e.logs.filter((l) => l.groups.length)) parts.push('', groupsTable(s));
  }
  if (e.slo.length) {
    parts.push(
      '',
      '**Metric bands** (no data is inconclusive, never pass):',
      '',
      table(
        ['Service', 'Revision', 'Indicator', 'Verdict', 'Value', 'Bound', 'Window', 'Line'],
        e.slo.map((v) => [
          v.service,
          `\`${v.revision}\``,
          v.indicator,
          v.verdict,
          v.value === null ? 'no data' : formatValue(v.indicator, v.value),
          v.bound,
          `${v.window.start} .. ${v.window.end}`,
          v.text,
        ]),
      ),
    );
  }
  return parts.join('\n');
}
