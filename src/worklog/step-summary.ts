/**
 * The GitHub job summary (`$GITHUB_STEP_SUMMARY`): the worklog's executive summary and the criteria
 * table, for people who read the Actions page. Written whenever that variable is set.
 */
import { appendFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { phaseResult } from '../phase-data/index.js';
import { outbound } from '../telemetry/outlet.js';
import type { Redactor } from '../telemetry/redact.js';
import { figures } from './figures.js';
import { inert, table } from './markdown.js';
import { executiveSummary } from './render.js';

export function renderStepSummary(record: RunRecord): string {
  const f = figures(record);
  const worklogDir = record.worklog ? dirname(record.worklog.markdown) : record.repo.dir;
  const view = { rel: (p: string) => relative(worklogDir, p) || '.' };
  const parts = [
    `## tdl: ${f.decision}${f.decisionReason ? ` — ${inert(f.decisionReason)}` : ''}`,
    '',
    `Run \`${record.runId}\` of playbook ${record.playbook.name}.`,
    '',
    executiveSummary(record, view),
  ];
  const stability = phaseResult(record, 'stability')?.data;
  if (stability?.criteria.length) {
    parts.push(
      '',
      '### Stability criteria',
      '',
      table(
        ['Criterion', 'Required', 'Verdict', 'Evidence'],
        stability.criteria.map((c) => [
          `\`${c.id}\``,
          c.required ? 'yes' : 'no',
          c.verdict,
          c.evidence.join('; '),
        ]),
      ),
    );
  }
  if (record.worklog) parts.push('', `Worklog: \`${record.worklog.markdown}\``);
  return `${parts.join('\n')}\n`;
}

/** Appends the summary to `$GITHUB_STEP_SUMMARY` when it is set; returns whether it wrote. */
export function writeStepSummary(
  record: RunRecord,
  redactor: Redactor,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  const text = outbound(renderStepSummary(redactor.redactDeep(record)), redactor, 'the job summary');
  if (text === null) return false;
  appendFileSync(file, text);
  return true;
}
