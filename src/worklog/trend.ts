/**
 * Trends over runs: the rows of `tdl worklogs`, the INDEX trend table and its mermaid charts. Every
 * figure comes from the run records through figures().
 */

import { percent } from '../core/format.js';
import type { RunRecord } from '../core/record.js';
import type { RunEntry } from '../history/model.js';
import { figures } from './figures.js';
import { readHistory } from './history.js';
import { table } from './markdown.js';

export interface TrendRow {
  runId: string;
  startedAt: string;
  playbook: string;
  focus: string;
  state: string;
  commit: string | null;
  branch: string | null;
  passRate: number | null;
  tiers: { tier: number; passRate: number | null; state: string }[];
  failing: number;
  violations: number | null;
  decision: string;
  decisionReason: string;
  iterations: number | null;
  worklog: string | null;
}

export function trendRow(record: RunRecord): TrendRow {
  const f = figures(record);
  return {
    runId: record.runId,
    startedAt: record.startedAt,
    playbook: record.playbook.name,
    focus: record.options.focus,
    state: record.state,
    commit: record.repo.commit,
    branch: record.repo.branch,
    passRate: f.passRate,
    tiers: f.tiers.map((t) => ({ tier: t.tier, passRate: t.passRate, state: t.state })),
    failing: f.counts.failed + f.counts.errored,
    violations: f.violations,
    decision: f.decision,
    decisionReason: f.decisionReason,
    iterations: f.iterations,
    worklog: record.worklog?.markdown ?? null,
  };
}

/** The trend row of a run, from its store entry (src/history/store.ts). */
export function trendRowOf(e: RunEntry): TrendRow {
  return {
    runId: e.run,
    startedAt: e.at,
    playbook: e.playbook,
    focus: e.row.focus,
    state: e.row.state,
    commit: e.commit,
    branch: e.branch,
    passRate: e.row.passRate,
    tiers: e.row.tiers,
    failing: e.row.failed + e.row.errored,
    violations: e.row.violations,
    decision: e.row.decision,
    decisionReason: e.row.decisionReason,
    iterations: e.row.iterations,
    worklog: e.row.worklog,
  };
}

function tiersText(row: TrendRow): string {
  if (row.tiers.length === 0) return '–';
  return row.tiers
    .map((t) => `T${t.tier} ${t.state === 'skipped' ? 'skipped' : percent(t.passRate)}`)
    .join(', ');
}

/** The trend table, rows newest first. */
export function trendTable(rows: readonly TrendRow[]): string {
  return table(
    ['Run', 'Started', 'Focus', 'Pass rate', 'Per tier', 'Failing', 'Violations', 'Decision'],
    rows.map((r) => [
      `\`${r.runId}\``,
      r.startedAt,
      r.focus,
      percent(r.passRate),
      tiersText(r),
      r.failing,
      r.violations ?? '–',
      r.iterations ? `${r.decision} (${r.iterations} iterations)` : r.decision,
    ]),
  );
}

function label(iso: string): string {
  // "2026-11-25T10:51:52.000Z" -> "11-25 10:51"
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/**
 * Mermaid `xychart-beta` charts of pass rate and violations, oldest to newest. Runs with an unknown
 * figure are left out of that chart (a gap would be drawn as a value); returns '' with nothing to draw.
 */
export function trendCharts(rows: readonly TrendRow[]): string {
  const oldestFirst = [...rows].reverse();
  const charts: string[] = [];
  const chart = (title: string, axis: string, max: number, points: { at: string; value: number }[]) =>
    [
      '```mermaid',
      'xychart-beta',
      `  title "${title}"`,
      `  x-axis [${points.map((p) => `"${label(p.at)}"`).join(', ')}]`,
      `  y-axis "${axis}" 0 --> ${max}`,
      `  line [${points.map((p) => p.value).join(', ')}]`,
      '```',
    ].join('\n');
  const rates = oldestFirst.flatMap((r) =>
    r.passRate === null ? [] : [{ at: r.startedAt, value: Math.round(r.passRate * 1000) / 10 }],
  );
  if (rates.length >= 2) charts.push(chart('Pass rate (%)', 'pass rate %', 100, rates));
  const violations = oldestFirst.flatMap((r) =>
    r.violations === null ? [] : [{ at: r.startedAt, value: r.violations }],
  );
  if (violations.length >= 2)
    charts.push(
      chart('Violations', 'violations', Math.max(1, ...violations.map((v) => v.value)), violations),
    );
  return charts.join('\n\n');
}

/** Runs in a worklog folder (of one playbook, or all with null), newest first. */
export function listRuns(dir: string, playbook: string | null, limit: number): TrendRow[] {
  return readHistory(dir, playbook, undefined, limit).map((h) => trendRow(h.record));
}

/** `tdl worklogs` as text: the trend table and the charts' data in one place. */
export function renderRunList(dir: string, playbook: string | null, rows: readonly TrendRow[]): string {
  const whose = playbook ? `of playbook ${playbook}` : 'of every playbook';
  if (rows.length === 0) return `No runs ${whose} in ${dir}.`;
  return [`${rows.length} run(s) ${whose} in ${dir}, newest first:`, '', trendTable(rows)].join('\n');
}
