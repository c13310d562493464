#!/usr/bin/env node
/**
 * The GitHub Action's entry (action.yml): maps the Action's inputs to `tdl run`, runs it as a child
 * process, and writes the Action's outputs to `$GITHUB_OUTPUT`. tdl itself writes the job summary
 * (`$GITHUB_STEP_SUMMARY`). No business logic here.
 */
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RunRecord } from '../core/record.js';
import type { PublishData } from '../phases/6-publish/types.js';

const input = (name: string, fallback = ''): string =>
  (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? fallback).trim();

/** Links the publish phase produced: the PR and the issues (empty when it did not publish). */
export function publishLinks(record: RunRecord): { pr: string | null; issues: string[] } {
  const data = record.phases.find((p) => p.id === 'publish')?.data as Partial<PublishData> | undefined;
  return { pr: data?.pull?.url ?? null, issues: (data?.issues ?? []).map((i) => i.url) };
}

export function actionArgs(): string[] {
  const args = ['run', '-p', input('playbook', 'tdl.yaml'), '--focus', input('focus', 'all'), '--json'];
  const publish = input('publish');
  if (publish) args.push('--publish', publish);
  if (input('until-green', 'false') === 'true')
    args.push('--until-green', '--max-iterations', input('max-iterations', '3'));
  return args;
}

async function main(): Promise<number> {
  const cli = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = await execa(process.execPath, [cli, ...actionArgs()], {
    reject: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const code = child.exitCode ?? 3;
  let record: RunRecord | null = null;
  try {
    record = JSON.parse(String(child.stdout)) as RunRecord;
  } catch {
    // tdl stopped before a run record existed (usage error): its message is already on stderr.
  }
  const outputFile = process.env.GITHUB_OUTPUT;
  if (outputFile && record) {
    const links = publishLinks(record);
    const lines = [
      `decision=${record.decision?.decision ?? 'none'}`,
      `run-id=${record.runId}`,
      `worklog-path=${record.worklog?.markdown ?? ''}`,
      `pr-url=${links.pr ?? ''}`,
      `issue-urls=${JSON.stringify(links.issues)}`,
      `exit-code=${code}`,
    ];
    appendFileSync(outputFile, `${lines.join('\n')}\n`);
  }
  const failOnDefer = input('fail-on-defer', 'true') !== 'false';
  return code === 1 && !failOnDefer ? 0 : code;
}

process.exitCode = await main();
