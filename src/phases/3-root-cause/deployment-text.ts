/** The plain-text form of the tested revisions' log groups and metric bands (`tdl status --logs`). */
import { formatValue } from '../../decision/slo.js';
import type { LogRead, ServiceLogs, SloVerdict, TimeWindow } from '../../phase-data/root-cause.js';

const MAX_GROUPS_SHOWN = 10;

function readLine(r: LogRead): string {
  return r.state === 'read'
    ? r.reason
    : `inconclusive (${r.state}): ${r.reason}${r.hint ? `\n    do: ${r.hint}` : ''}`;
}

export function renderEvidenceText(e: {
  window: TimeWindow;
  logs: ServiceLogs[];
  slo: SloVerdict[];
}): string {
  const out = [`Logs and metrics of the tested revisions, ${e.window.start} .. ${e.window.end}`];
  for (const s of e.logs) {
    out.push('', `${s.service} (${s.revision}): ${readLine(s)}`);
    for (const g of s.groups.slice(0, MAX_GROUPS_SHOWN)) {
      out.push(
        `  ${String(g.count).padStart(5)}x ${g.severity.padEnd(8)} ${g.first} .. ${g.last}  ${g.example}`,
        `         ${[g.sourceLocation, g.trace, g.spanId ? `span ${g.spanId}` : null].filter(Boolean).join(' · ') || 'no source location or trace'}`,
      );
    }
    if (s.groups.length > MAX_GROUPS_SHOWN)
      out.push(`  …and ${s.groups.length - MAX_GROUPS_SHOWN} more group(s)`);
  }
  if (e.slo.length) {
    out.push('', 'Metric bands:');
    for (const v of e.slo)
      out.push(
        `  ${v.verdict.toUpperCase().padEnd(12)} ${v.value === null ? '' : `[${formatValue(v.indicator, v.value)}] `}${v.text}`,
      );
  }
  return out.join('\n');
}
