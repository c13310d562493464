/** Writes the worklog (markdown + JSON twin) and the index, through the one redaction point. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEntry } from '../pipeline/context.js';
import type { RunRecord } from '../pipeline/record.js';
import { writeFileAtomic, writeJsonAtomic } from '../telemetry/outlet.js';
import type { Redactor } from '../telemetry/redact.js';
import { figures } from './figures.js';
import { WORKLOG_PREFIX } from './history.js';
import { table } from './markdown.js';
import { portableRecord } from './portable.js';
import { renderWorklog } from './render.js';
import { trendCharts, trendRow, trendTable } from './trend.js';

function stamp(iso: string): string {
  // 2026-11-22T03:05:52.123Z -> 2026-11-22-030552
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/**
 * `<dir>/E2E-DEPLOY-REMEDIATE-WORKLOG-<focus>-<YYYY-MM-DD-HHMMSS>.md` and `.json`. Two runs of the same
 * focus started in the same second would share that name; the later one adds the random part of its
 * run id (`…-HHMMSS-a1b2c3.md`) rather than overwrite the other's worklog.
 */
export function worklogPaths(dir: string, record: RunRecord): { markdown: string; json: string } {
  const focus = record.options.focus.replace(/[^A-Za-z0-9._-]/g, '_');
  let base = join(dir, `${WORKLOG_PREFIX}${focus}-${stamp(record.startedAt)}`);
  if (existsSync(`${base}.json`)) base = `${base}-${record.runId.slice(-6)}`;
  return { markdown: `${base}.md`, json: `${base}.json` };
}

export function writeWorklog(
  dir: string,
  record: RunRecord,
  history: HistoryEntry[],
  redactor: Redactor,
): void {
  record.worklog ??= worklogPaths(dir, record);
  // Rendered from the redacted record: no escaping, cutting or table formatting sees a raw secret.
  const safe = redactor.redactDeep(record);
  // The twin is committed and shared: no absolute path of this machine in it.
  writeJsonAtomic(record.worklog.json, portableRecord(safe, [dir]), redactor);
  writeFileAtomic(
    record.worklog.markdown,
    renderWorklog({ record: safe, history, worklogDir: dir }),
    redactor,
  );
}

/** Runs of a playbook shown in the INDEX trend. */
const TREND_RUNS = 20;

/** Per playbook: the trend table and mermaid charts of its last runs. */
function trendSections(entries: HistoryEntry[]): string[] {
  const byPlaybook = new Map<string, HistoryEntry[]>();
  for (const e of entries) {
    if (e.record.options.dryRun) continue;
    const list = byPlaybook.get(e.record.playbook.name) ?? [];
    list.push(e);
    byPlaybook.set(e.record.playbook.name, list);
  }
  return [...byPlaybook].flatMap(([name, list]) => {
    const rows = list.slice(0, TREND_RUNS).map((e) => trendRow(e.record));
    const charts = trendCharts(rows);
    return [
      `## Trend: ${name}`,
      '',
      `Last ${rows.length} run(s), newest first.`,
      '',
      trendTable(rows),
      '',
      ...(charts ? [charts, ''] : []),
    ];
  });
}

/** `INDEX.md`: every run in the folder with its figures, newest first, then a trend per playbook. */
export function writeIndex(dir: string, entries: HistoryEntry[], redactor: Redactor): void {
  const rows = entries.map(({ record }) => {
    const f = figures(record);
    const name = record.worklog?.markdown.split('/').pop() ?? '';
    return [
      record.startedAt,
      name ? `[${record.runId}](${name})` : record.runId,
      record.playbook.name,
      record.options.focus,
      f.passRateText,
      `${f.counts.passed}/${f.counts.failed}/${f.counts.errored}`,
      f.gateOutcome.startsWith('NO-GO') ? 'NO-GO' : f.gateOutcome.startsWith('all') ? 'pass' : '–',
      f.violations ?? '–',
      record.options.dryRun ? 'dry run (not history)' : f.decision,
    ];
  });
  const text = [
    '# Worklog index',
    '',
    'Runs of `tdl`, newest first. Every figure comes from the run record (the `.json` twin of each worklog).',
    '',
    table(
      [
        'Started',
        'Run',
        'Playbook',
        'Focus',
        'Pass rate',
        'Passed/failed/errored',
        'Gates',
        'Violations',
        'Decision',
      ],
      rows,
    ),
    '',
    ...trendSections(entries),
  ].join('\n');
  writeFileAtomic(join(dir, 'INDEX.md'), text, redactor);
}
