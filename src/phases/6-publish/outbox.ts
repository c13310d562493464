/**
 * The outbox: drafts written under `.tdl/runs/<runId>/outbox/` (publish.json for `tdl publish`,
 * publish.md for people), sent later, idempotently, by `tdl publish <runId>`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { ActionResult, PublishOutcome } from '../../phase-data/publish.js';
import { MASTER_REF } from '../../services/issue-markers.js';
import { writeFileAtomic, writeJsonAtomic } from '../../telemetry/outlet.js';
import type { Redactor } from '../../telemetry/redact.js';
import { fence } from '../../worklog/markdown.js';
import { pullBody } from './bodies.js';
import { DRAFTS_SCHEMA_VERSION, type Drafts } from './drafts.js';

export function outboxDir(runDir: string): string {
  return join(runDir, 'outbox');
}

function markdown(drafts: Drafts, plan: ActionResult[]): string {
  const parts = [
    `# Outbox of run ${drafts.runId}`,
    '',
    `Repository: ${drafts.github.repo} · route: ${drafts.route} · ${drafts.rule}`,
    '',
    'Send with `tdl publish ' + drafts.runId + '` (safe to repeat: nothing is filed twice).',
    '',
    '## Planned actions (against an empty repository; the real plan is made when sending)',
    '',
    ...plan.map((p) => `- ${p.action}`),
  ];
  for (const c of drafts.children) {
    parts.push(
      '',
      `## Issue: ${c.title}`,
      '',
      `Labels: ${drafts.labels.join(', ')}`,
      '',
      fence(c.body.split(MASTER_REF).join('#<master>'), 'markdown'),
    );
  }
  if (drafts.children.length)
    parts.push(
      '',
      `## Master issue: ${drafts.master.title}`,
      '',
      'Its task list is written when the issues above have numbers.',
    );
  if (drafts.pull) {
    const p = drafts.pull;
    parts.push(
      '',
      `## Pull request: ${p.title}`,
      '',
      `${p.branch} → ${p.base} (pushed to ${p.remote} first)`,
      '',
    );
    parts.push(
      fence(
        pullBody({ marker: p.marker, summary: p.summary, decisionTable: p.decisionTable, closes: [] }),
        'markdown',
      ),
    );
  }
  return `${parts.join('\n')}\n`;
}

export function writeOutbox(
  runDir: string,
  drafts: Drafts,
  plan: ActionResult[],
  redactor: Redactor,
): string {
  const dir = outboxDir(runDir);
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, 'publish.json'), drafts, redactor);
  writeFileAtomic(join(dir, 'publish.md'), markdown(drafts, plan), redactor);
  return dir;
}

export function readOutbox(runDir: string): Drafts {
  const file = join(outboxDir(runDir), 'publish.json');
  if (!existsSync(file))
    throw new UsageError('ENOOUTBOX', `no outbox in ${outboxDir(runDir)}`, 'run with --publish outbox first');
  const drafts = JSON.parse(readFileSync(file, 'utf8')) as Drafts;
  if (drafts.schemaVersion !== DRAFTS_SCHEMA_VERSION)
    throw new UsageError(
      'EOUTBOXVERSION',
      `${file}: written by an incompatible version (schemaVersion ${drafts.schemaVersion})`,
    );
  return drafts;
}

export function writeSent(runDir: string, outcome: PublishOutcome, redactor: Redactor): string {
  const file = join(outboxDir(runDir), 'sent.json');
  writeJsonAtomic(file, { sentAt: new Date().toISOString(), ...outcome }, redactor);
  return file;
}
