#!/usr/bin/env node
/**
 * The GitHub Action's entry (action.yml): maps the Action's inputs to `tdl run` (or, with `mode`, to
 * a step of a sharded run: plan, shard, merge, finish), runs it as a child process, and writes the
 * Action's outputs to `$GITHUB_OUTPUT`. tdl itself writes the job summary
 * (`$GITHUB_STEP_SUMMARY`). No business logic here.
 */
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RunRecord } from '../core/record.js';
import { phaseData } from '../phase-data/index.js';
import type { PublishData } from '../phase-data/publish.js';

const input = (name: string, fallback = ''): string =>
  (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? fallback).trim();

/** Links the publish phase produced: the PR and the issues (empty when it did not publish). */
export function publishLinks(record: RunRecord): { pr: string | null; issues: string[] } {
  // A stored record of an earlier version may lack fields added since: read as partial.
  const data: Partial<PublishData> | undefined = phaseData(record, 'publish');
  return { pr: data?.pull?.url ?? null, issues: (data?.issues ?? []).map((i) => i.url) };
}

/** Where `mode: plan` writes the plan (the workflow uploads it as the `tdl-plan` artifact). */
const PLAN_FILE = 'tdl-plan/plan.json';

export const ACTION_MODES = ['run', 'plan', 'shard', 'merge', 'finish'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

/** Partial record files in the `partials` folder (artifacts downloaded there), sorted. */
function partialFiles(): string[] {
  const dir = input('partials', 'tdl-partials');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** The tdl command line for the Action's inputs; `mode` picks the step of a sharded run. */
export function actionArgs(mode: ActionMode = 'run'): string[] {
  const playbook = ['-p', input('playbook', 'tdl.yaml')];
  const publish = input('publish') ? ['--publish', input('publish')] : [];
  switch (mode) {
    case 'plan':
      return [
        'plan',
        ...playbook,
        '--focus',
        input('focus', 'all'),
        '--shards',
        input('shards', '1'),
        '--out',
        PLAN_FILE,
        '--json',
      ];
    case 'shard': {
      const shard = input('shard');
      return [
        'run',
        ...playbook,
        '--plan',
        input('plan', PLAN_FILE),
        '--tier',
        input('tier'),
        ...(shard ? ['--shard', shard] : []),
        '--out',
        join('tdl-partials', `tier-${input('tier')}-shard-${shard.replace('/', '-of-') || 'env'}.json`),
        '--json',
      ];
    }
    case 'merge':
      return [
        'merge',
        ...playbook,
        '--plan',
        input('plan', PLAN_FILE),
        '--tier',
        input('tier'),
        '--json',
        ...partialFiles(),
      ];
    case 'finish':
      return [
        'merge',
        ...playbook,
        '--plan',
        input('plan', PLAN_FILE),
        '--finish',
        ...publish,
        '--json',
        ...partialFiles(),
      ];
    default: {
      const args = ['run', ...playbook, '--focus', input('focus', 'all'), '--json', ...publish];
      if (input('until-green', 'false') === 'true')
        args.push('--until-green', '--max-iterations', input('max-iterations', '3'));
      return args;
    }
  }
}

/** The Action's outputs of a step, from what tdl printed (null: tdl printed nothing usable). */
export function actionOutputs(mode: ActionMode, stdout: string, code: number): string[] | null {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    // tdl stopped before it had a document (usage error): its message is already on stderr.
    return null;
  }
  if (mode === 'plan') {
    const shards = Number(doc.shards);
    return [
      `run-id=${String(doc.runId)}`,
      `plan-path=${PLAN_FILE}`,
      `shard-count=${shards}`,
      `shards=${JSON.stringify(Array.from({ length: shards }, (_, i) => i + 1))}`,
      `exit-code=${code}`,
    ];
  }
  if (mode === 'shard')
    return [`run-id=${String(doc.runId)}`, `partial-path=${String(doc.file)}`, `exit-code=${code}`];
  if (mode === 'merge')
    return [
      `run-id=${String(doc.runId)}`,
      `go=${doc.go === true}`,
      `complete=${doc.complete === true}`,
      `exit-code=${code}`,
    ];
  const record = doc as unknown as RunRecord;
  const links = publishLinks(record);
  return [
    `decision=${record.decision?.decision ?? 'none'}`,
    `run-id=${record.runId}`,
    `worklog-path=${record.worklog?.markdown ?? ''}`,
    `pr-url=${links.pr ?? ''}`,
    `issue-urls=${JSON.stringify(links.issues)}`,
    `exit-code=${code}`,
  ];
}

async function main(): Promise<number> {
  const mode = (input('mode', 'run') || 'run') as ActionMode;
  if (!(ACTION_MODES as readonly string[]).includes(mode)) {
    process.stderr.write(
      `tdl: the mode input is set as "${mode}"; valid values are ${ACTION_MODES.join(', ')}\n`,
    );
    return 2;
  }
  const cli = fileURLToPath(new URL('./main.cjs', import.meta.url));
  const child = await execa(process.execPath, [cli, ...actionArgs(mode)], {
    reject: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const code = child.exitCode ?? 3;
  const lines = actionOutputs(mode, String(child.stdout), code);
  const outputFile = process.env.GITHUB_OUTPUT;
  if (outputFile && lines) appendFileSync(outputFile, `${lines.join('\n')}\n`);
  // A NO-GO is an outcome, not a broken step: the `go` output decides whether the next tier runs.
  if (mode === 'merge' && code === 1) return 0;
  const failOnDefer = input('fail-on-defer', 'true') !== 'false';
  return code === 1 && !failOnDefer ? 0 : code;
}

process.exitCode = await main();
