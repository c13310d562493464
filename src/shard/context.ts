/**
 * The RunContext of the sharded steps that are not a whole run (`tdl plan`, one shard): the same
 * logger, redactor, ports and history a run has, without the run lock, the journal or a worklog.
 */
import { mkdirSync } from 'node:fs';
import { createPorts, type Ports } from '../adapters/index.js';
import type { RunPaths } from '../core/paths.js';
import type { RunRecord } from '../core/record.js';
import { loadHistory } from '../history/step.js';
import { type RunContext, silentReporter } from '../phases/context.js';
import type { Playbook } from '../playbook/load.js';
import { systemClock } from '../telemetry/clock.js';
import { createRunLogger } from '../telemetry/logger.js';
import { Redactor } from '../telemetry/redact.js';

export interface StepOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  humanLog?: NodeJS.WritableStream | null;
  ports?: Ports;
}

export function stepContext(
  playbook: Playbook,
  record: RunRecord,
  paths: RunPaths,
  opts: StepOptions,
): { ctx: RunContext; close: () => void } {
  const env = opts.env ?? process.env;
  const redactor = Redactor.fromEnv(playbook.redact.env, env);
  mkdirSync(paths.reportDir, { recursive: true });
  const { logger, close } = createRunLogger({
    runId: record.runId,
    logFile: paths.logFile,
    redactor,
    human: opts.humanLog === undefined ? process.stderr : opts.humanLog,
    humanLevel: 'info',
  });
  const { history, testHistory } = loadHistory(playbook, record.runId);
  const ctx: RunContext = {
    runId: record.runId,
    playbook,
    options: record.options,
    logger,
    clock: systemClock,
    redactor,
    paths,
    ports: opts.ports ?? createPorts(playbook, env),
    record,
    history,
    testHistory,
    signal: opts.signal ?? new AbortController().signal,
    progress: silentReporter,
    env,
  };
  return { ctx, close };
}
