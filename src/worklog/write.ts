/** Writes the worklog (markdown + JSON twin) and the index, through the one redaction point. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { compactRecord } from '../history/compact.js';
import type { RunEntry } from '../history/model.js';
import { writeFileAtomic, writeJsonAtomic } from '../telemetry/outlet.js';
import type { Redactor } from '../telemetry/redact.js';
import type { HistoryEntry } from './history.js';
import { WORKLOG_PREFIX } from './history.js';
import { table } from './markdown.js';
import { portableRecord } from './portable.js';
import { renderWorklog } from './render.js';
import type { SectionRenderers } from './section.js';
import { trendCharts, trendRowOf, trendTable } from './trend.js';

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
  sections: SectionRenderers,
  earlier?: readonly RunEntry[],
): void {
  record.worklog ??= worklogPaths(dir, record);
  // Rendered from the redacted record: no escaping, cutting or table formatting sees a raw secret.
  const safe = redactor.redactDeep(record);
  // The twin is committed and shared: no absolute path of this machine in it, passing tests compact.
  writeJsonAtomic(record.worklog.json, compactRecord(portableRecord(safe, [dir])), redactor);
  writeFileAtomic(
    record.worklog.markdown,
    renderWorklog({ record: safe, history, worklogDir: dir, sections, ...(earlier ? { earlier } : {}) }),
    redactor,
  );
}

/** Runs of a playbook shown in the INDEX trend. */
const TREND_RUNS = 20;

/** Per playbook: the trend table and mermaid charts of its last runs (dry runs left out). */
function trendSections(entries: readonly RunEntry[]): string[] {
  const byPlaybook = new Map<string, RunEntry[]>();
  for (const e of entries) {
    if (e.dryRun) continue;
    const list = byPlaybook.get(e.playbook) ?? [];
    list.push(e);
    byPlaybook.set(e.playbook, list);
  }
  return [...byPlaybook].flatMap(([name, list]) => {
    const rows = list.slice(0, TREND_RUNS).map(trendRowOf);
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

/**
 * `INDEX.md`: every run in the folder with its figures, newest first, then a trend per playbook. The
 * rows come from the history store's run entries (figures computed once, when each run ended), so
 * writing it does not re-read every earlier run record.
 */
export function writeIndex(dir: string, entries: readonly RunEntry[], redactor: Redactor): void {
  const rows = entries.map((e) => [
    e.at,
    e.row.worklog ? `[${e.run}](${e.row.worklog})` : e.run,
    e.playbook,
    e.row.focus,
    e.row.passRateText,
    `${e.row.passed}/${e.row.failed}/${e.row.errored}`,
    e.row.gates,
    e.row.violations ?? '–',
    e.row.decision,
  ]);
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
