/** The `--until-green` part of a worklog: one table per iteration. */

import { formatDuration } from '../core/format.js';
import type { RunRecord } from '../core/record.js';
import { table } from './markdown.js';
import type { RenderView } from './section.js';

const MAX_FAILING_SHOWN = 10;

export function renderIterations(record: RunRecord, view: RenderView): string {
  if (!record.loop) return '';
  const parts = [
    `\`--until-green\`: ${record.iterations?.length ?? 0} of at most ${record.loop.maxIterations} iteration(s). Stopped: **${record.loop.stopReason ?? 'running'}**. The phase sections below show the last iteration.`,
  ];
  for (const it of record.iterations ?? []) {
    const decision = it.decision
      ? `${it.decision.decision.toUpperCase()} — ${it.decision.reasons[0] ?? ''}`
      : 'no decision';
    parts.push(
      `### Iteration ${it.iteration}: ${decision}`,
      `Commit ${it.commit ? `\`${it.commit.slice(0, 12)}\`` : 'unknown'}${it.dirty ? ' (uncommitted changes)' : ''}; started ${it.startedAt}; ${it.failing.length} failing test(s).`,
      table(
        ['Phase', 'State', 'Verdict', 'Summary'],
        it.phases.map((p) => [`${p.index} \`${p.id}\``, p.state, p.verdict ?? '–', p.reason ?? '']),
      ),
    );
    if (it.failing.length) {
      const shown = it.failing.slice(0, MAX_FAILING_SHOWN);
      parts.push(
        `Failing: ${shown.join('; ')}${it.failing.length > shown.length ? `; …and ${it.failing.length - shown.length} more` : ''}.`,
      );
    }
    const r = it.remediation;
    if (r) {
      const outcome = r.spawnError
        ? `could not start: ${r.spawnError}`
        : r.timedOut
          ? 'timed out'
          : r.cancelled
            ? 'cancelled'
            : `exit ${r.exitCode}`;
      parts.push(
        `Remediation \`${r.command.join(' ')}\`: ${outcome} in ${formatDuration(r.durationMs)}; clusters given in \`${view.rel(r.clustersFile)}\`, log \`${view.rel(r.logFile)}\`.`,
      );
    }
  }
  return parts.join('\n\n');
}
