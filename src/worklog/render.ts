/** The worklog markdown, rendered from the run record (and earlier records for the trend). */
import { relative } from 'node:path';
import { percent } from '../phases/2-run-tests/gates.js';
import type { HistoryEntry } from '../pipeline/context.js';
import type { PhaseResult, RunRecord } from '../pipeline/record.js';
import { formatDuration } from '../telemetry/clock.js';
import { figures } from './figures.js';
import { renderIterations } from './iterations.js';
import { table } from './markdown.js';
import { SECTION_RENDERERS } from './sections/index.js';
import type { RenderView } from './sections/types.js';

export interface RenderInput {
  record: RunRecord;
  history: HistoryEntry[];
  /** The folder the worklog is written to; paths are shown relative to it. */
  worklogDir: string;
}

function stateLine(p: PhaseResult): string {
  const parts = [`**State:** ${p.state}`];
  if (p.verdict) parts.push(`**Verdict:** ${p.verdict}`);
  if (p.durationMs !== undefined && p.state !== 'skipped')
    parts.push(`**Duration:** ${formatDuration(p.durationMs)}`);
  const line = parts.join(' · ');
  return p.reason ? `${line}\n\n${p.state === 'skipped' ? 'Skipped: ' : ''}${p.reason}` : line;
}

export function executiveSummary(record: RunRecord, view: RenderView): string {
  const f = figures(record);
  const c = f.counts;
  const lines = [
    `- **Decision:** ${f.decision}${f.decisionReason ? ` — ${f.decisionReason}` : ''}`,
    `- **Tests:** ${c.passed} passed, ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped of ${c.total} in ${f.suitesRun} suite(s); pass rate ${f.passRateText}${c.flaky ? `; ${c.flaky} flaky` : ''}`,
    `- **Gates:** ${f.gateOutcome}`,
    `- **Authenticity:** ${f.authenticityErrors === 0 ? 'no errors' : `${f.authenticityErrors} error finding(s), see phase 2`}`,
    `- **Violations:** ${f.violationsNote}`,
  ];
  if (f.loopNote) lines.push(`- **Loop:** ${f.loopNote}`);
  const links = [`run folder \`${view.rel(record.runDir)}\``];
  if (record.worklog)
    links.unshift(`record [${view.rel(record.worklog.json)}](${view.rel(record.worklog.json)})`);
  lines.push(`- **Links:** ${links.join(', ')}`);
  const tiers = f.tiers.length
    ? table(
        ['Tier', 'Pass rate', 'Passed', 'Failed', 'Errored', 'Gate'],
        f.tiers.map((t) => [
          t.tier,
          percent(t.passRate),
          t.counts.passed,
          t.counts.failed,
          t.counts.errored,
          t.gate
            ? `${t.gate.verdict} (min ${percent(t.gate.minPassRate)})`
            : t.state === 'skipped'
              ? 'skipped (NO-GO)'
              : 'none',
        ]),
      )
    : '';
  return [lines.join('\n'), tiers].filter(Boolean).join('\n\n');
}

function trend(record: RunRecord, history: HistoryEntry[]): string {
  const rows = [record, ...history.map((h) => h.record)].slice(0, 10).map((r) => {
    const f = figures(r);
    return [
      `\`${r.runId}\``,
      r.startedAt,
      r.options.focus,
      f.passRateText,
      f.counts.failed + f.counts.errored,
      f.gateOutcome.startsWith('NO-GO') ? 'NO-GO' : f.gateOutcome.startsWith('all') ? 'pass' : '–',
      f.violations ?? '–',
      f.decision,
    ];
  });
  if (rows.length < 2) return 'No earlier runs of this playbook in the worklog folder.';
  return table(['Run', 'Started', 'Focus', 'Pass rate', 'Failing', 'Gates', 'Violations', 'Decision'], rows);
}

export function renderWorklog({ record, history, worklogDir }: RenderInput): string {
  const view: RenderView = {
    rel: (p) => {
      const r = relative(worklogDir, p);
      return r === '' ? '.' : r;
    },
  };
  const head = [
    `# E2E Deploy Remediate Worklog — ${record.options.focus}`,
    '',
    table(
      ['', ''],
      [
        ['Run id', `\`${record.runId}\``],
        ['Playbook', `${record.playbook.name} (\`${view.rel(record.playbook.file)}\`)`],
        [
          'Repository',
          `\`${view.rel(record.repo.dir)}\` at ${record.repo.commit ? `\`${record.repo.commit.slice(0, 12)}\`` : 'no git commit'}${record.repo.branch ? ` on \`${record.repo.branch}\`` : ''}${record.repo.dirty ? ' (uncommitted changes)' : ''}`,
        ],
        ['Started', record.startedAt],
        ['Duration', record.durationMs === undefined ? 'running' : formatDuration(record.durationMs)],
        ['Run state', record.state],
        [
          'Options',
          `focus ${record.options.focus}${record.options.dryRun ? ', dry run' : ''}${record.options.deploy ? ', deploy' : ''}, publish ${record.options.publish}${record.options.only ? `, only ${record.options.only.join(',')}` : ''}`,
        ],
      ],
    ),
    '',
    '## Executive summary',
    '',
    executiveSummary(record, view),
  ];
  const iterations = renderIterations(record, view);
  if (iterations) head.push('', '## Iterations', '', iterations);
  const sections = record.phases.map((p) => {
    const body = SECTION_RENDERERS[p.id](p, record, view);
    return [`## Phase ${p.index} — ${p.title} (\`${p.id}\`)`, '', stateLine(p), body ? `\n${body}` : ''].join(
      '\n',
    );
  });
  return `${[...head, '', ...sections.flatMap((s) => [s, '']), '## Trend', '', trend(record, history), ''].join('\n')}`;
}
