/** The worklog markdown, rendered from the run record (and earlier records for the trend). */
import { relative } from 'node:path';
import { formatDuration, percent } from '../core/format.js';
import type { PhaseResult, RunRecord } from '../core/record.js';
import type { RunEntry } from '../history/model.js';
import { phaseResult } from '../phase-data/index.js';
import { figures } from './figures.js';
import type { HistoryEntry } from './history.js';
import { renderIterations } from './iterations.js';
import { inert, table } from './markdown.js';
import type { RenderView, SectionRenderers } from './section.js';
import { trendRow, trendRowOf, trendTable } from './trend.js';

export interface RenderInput {
  record: RunRecord;
  history: HistoryEntry[];
  /** Earlier runs of the playbook from the history store, newest first (the Trend section). */
  earlier?: readonly RunEntry[];
  /** The folder the worklog is written to; paths are shown relative to it. */
  worklogDir: string;
  /** Each phase's section renderer (the phases declare them: `sectionRenderers()`, src/phases/index.ts). */
  sections: SectionRenderers;
}

function stateLine(p: PhaseResult): string {
  const parts = [`**State:** ${p.state}`];
  if (p.verdict) parts.push(`**Verdict:** ${p.verdict}`);
  if (p.durationMs !== undefined && p.state !== 'skipped')
    parts.push(`**Duration:** ${formatDuration(p.durationMs)}`);
  const line = parts.join(' · ');
  return p.reason ? `${line}\n\n${p.state === 'skipped' ? 'Skipped: ' : ''}${p.reason}` : line;
}

/**
 * What phase 6 did about the decision, with its links, in one line; null while phase 6 has not
 * finished (a pull request body is drafted during phase 6 itself).
 */
function publishedLine(record: RunRecord, view: RenderView): string | null {
  const p = phaseResult(record, 'publish');
  if (p?.state === 'pending' || p?.state === 'running') return null;
  const d = p?.data;
  if (p?.state !== 'completed' || !d)
    return `nothing (phase 6 ${p ? `${p.state}${p.reason ? `: ${p.reason}` : ''}` : 'not in this run'})`;
  if (d.dryRun) return `nothing (dry run: ${d.actions.length} action(s) planned)`;
  if (d.outbox)
    return `drafts in the outbox \`${view.rel(d.outbox)}\`, not on GitHub yet (${d.targetReason}); send them with \`tdl publish ${record.runId}\``;
  const link = (i: { number: number; url: string }) => `[#${i.number}](${i.url})`;
  const parts: string[] = [];
  if (d.pull) parts.push(`pull request ${link(d.pull)}`);
  const children = d.issues.filter((i) => i.kind === 'child');
  const open = children.filter((i) => i.state === 'open');
  const closed = children.filter((i) => i.state === 'closed');
  const master = d.issues.find((i) => i.kind === 'master');
  if (open.length)
    parts.push(
      `open issue(s) for the failures ${open.map(link).join(', ')}${master ? ` (tracked in ${link(master)})` : ''}`,
    );
  if (closed.length) parts.push(`closed as resolved ${closed.map(link).join(', ')}`);
  return parts.length ? `${parts.join('; ')} on GitHub` : `nothing to change on GitHub (${p.reason ?? ''})`;
}

/**
 * The summary a reader who never ran tdl reads first: the decision and its main reason, what was
 * done about it, then the numbers (each with its change where there is one), then the links.
 */
export function executiveSummary(record: RunRecord, view: RenderView): string {
  const f = figures(record);
  const c = f.counts;
  const more = f.moreReasons ? ` (and ${f.moreReasons} more reason(s), see phase 5)` : '';
  const published = publishedLine(record, view);
  const lines = [
    ...(record.options.dryRun
      ? [
          '- **Dry run:** nothing was run or measured; this worklog is the plan, and it is never used as history',
        ]
      : []),
    `- **Decision:** ${f.decision}${f.decisionReason ? ` — ${inert(f.decisionReason)}` : ''}${more}`,
    ...(published ? [`- **Published:** ${published}`] : []),
    `- **Tests:** ${c.passed} of ${c.total} passed (pass rate ${f.passRateText}); ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped${c.flaky ? `; ${c.flaky} flaky` : ''}; ${f.suitesRun} of ${f.suitesTotal} suite(s) ran`,
    `- **Gates:** ${f.gateOutcome}`,
    `- **Deployment:** ${f.deploymentNote}`,
    `- **Violations:** ${f.violationsNote}`,
    `- **Authenticity:** ${f.authenticityErrors === 0 ? 'no errors' : `${f.authenticityErrors} error finding(s), see phase 2`}`,
  ];
  if (f.loopNote) lines.push(`- **Loop:** ${f.loopNote}`);
  const links = [`run folder \`${view.rel(record.runDir)}\``];
  if (record.worklog)
    links.unshift(`record [${view.rel(record.worklog.json)}](${view.rel(record.worklog.json)})`);
  const previous = phaseResult(record, 'select-tests')?.data?.previous;
  if (previous?.worklog) links.push(`previous run [${previous.runId}](${view.rel(previous.worklog)})`);
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

/** This run and the ones before it: the same table as INDEX.md's trend and `tdl worklogs` (trend.ts). */
function trend(record: RunRecord, history: HistoryEntry[], earlier?: readonly RunEntry[]): string {
  // Earlier runs from the history store's entries (figures computed when each ended), else records.
  const rows = earlier
    ? [
        trendRow(record),
        ...earlier
          .filter((e) => !e.dryRun && e.run !== record.runId)
          .slice(0, 9)
          .map(trendRowOf),
      ]
    : [record, ...history.map((h) => h.record)].slice(0, 10).map(trendRow);
  if (rows.length < 2) return 'No earlier runs of this playbook in the worklog folder.';
  return trendTable(rows);
}

export function renderWorklog({
  record,
  history,
  worklogDir,
  earlier,
  sections: renderers,
}: RenderInput): string {
  const view: RenderView = {
    rel: (p) => {
      const r = relative(worklogDir, p);
      return r === '' ? '.' : r;
    },
  };
  const head = [
    `# E2E Deploy Remediate Worklog — ${record.options.focus}${record.options.dryRun ? ' (dry run)' : ''}`,
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
    const body = renderers[p.id](p, record, view);
    return [`## Phase ${p.index} — ${p.title} (\`${p.id}\`)`, '', stateLine(p), body ? `\n${body}` : ''].join(
      '\n',
    );
  });
  return `${[...head, '', ...sections.flatMap((s) => [s, '']), '## Trend', '', trend(record, history, earlier), ''].join('\n')}`;
}
