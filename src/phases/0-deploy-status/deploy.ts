/**
 * Deploy-and-wait: run a service's `deploy.command` (argv, timeout, output to a log file, like a suite),
 * then poll with backoff until a revision newer than the one seen before the deploy is Ready, or fail
 * with the revision's condition message on a failed revision or on timeout.
 */

import { join } from 'node:path';
import type { CloudRunPort, RevisionInfo, ServiceInfo } from '../../adapters/cloudrun/port.js';
import type { ProcessPort } from '../../adapters/process/port.js';
import { formatDuration } from '../../core/format.js';
import { traceparentForRun } from '../../core/ids.js';
import type { DeployRecord } from '../../phase-data/deploy-status.js';
import { expandAll } from '../../playbook/placeholders.js';
import type { GcpConfig, ServiceConfig } from '../../playbook/sections/cloudrun.js';
import { cutText } from '../../telemetry/redact.js';

export interface DeployInput {
  config: ServiceConfig & { deploy: NonNullable<ServiceConfig['deploy']> };
  gcp: GcpConfig;
  before: ServiceInfo;
  cloudRun: CloudRunPort;
  process: ProcessPort;
  runId: string;
  runDir: string;
  reportDir: string;
  repoDir: string;
  /** Passed on to the deploy command (the emulator's endpoint in the sandbox). */
  endpoint: string | undefined;
  signal: AbortSignal;
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface DeployOutcome {
  record: DeployRecord;
  /** The service as last read (after the deploy, or `before` if nothing was read). */
  service: ServiceInfo;
  revisions: RevisionInfo[];
}

function conditionMessage(r: RevisionInfo | undefined): string {
  const c = r?.ready;
  if (!c) return 'no Ready condition yet';
  return `${c.state.replace(/^CONDITION_/, '')}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

/** The deploy as it would run: command expanded, nothing executed. */
export function plannedDeploy(
  input: Pick<DeployInput, 'config' | 'before' | 'runId' | 'reportDir'>,
): DeployRecord {
  return {
    command: expandAll(input.config.deploy.command, { runId: input.runId, reportDir: input.reportDir }),
    outcome: 'planned',
    message: 'not run',
    exitCode: null,
    durationMs: null,
    waitMs: null,
    polls: 0,
    logFile: null,
    oldRevision: input.before.latestCreatedRevision,
    newRevision: null,
    tag: null,
  };
}

export async function deployAndWait(input: DeployInput): Promise<DeployOutcome> {
  const { config, gcp, before, cloudRun } = input;
  const record = plannedDeploy(input);
  record.logFile = join(input.runDir, `deploy-${config.name}.log`);
  const result = await input.process.run(record.command, {
    cwd: input.repoDir,
    env: {
      TDL_RUN_ID: input.runId,
      TDL_PHASE: 'deploy-status',
      TDL_SERVICE: config.name,
      TDL_GCP_PROJECT: gcp.project,
      TDL_GCP_REGION: gcp.region,
      ...(input.endpoint ? { TDL_CLOUDRUN_ENDPOINT: input.endpoint } : {}),
      TRACEPARENT: traceparentForRun(input.runId),
    },
    timeoutMs: config.deploy.timeout,
    logFile: record.logFile,
    signal: input.signal,
  });
  record.exitCode = result.exitCode;
  record.durationMs = result.durationMs;
  if (result.spawnError || result.timedOut || result.cancelled || result.exitCode !== 0) {
    record.outcome = 'command-failed';
    const tail = result.outputTail.trim().split('\n').slice(-1)[0] ?? '';
    record.message = result.spawnError
      ? `deploy command could not start: ${result.spawnError}`
      : result.timedOut
        ? `deploy command timed out after ${formatDuration(config.deploy.timeout)}; process tree killed`
        : result.cancelled
          ? 'deploy command interrupted'
          : `deploy command exited ${result.exitCode}${tail ? `: ${cutText(tail, 200)}` : ''}`;
    return { record, service: before, revisions: [] };
  }

  const started = input.now();
  const deadline = started + config.deploy.waitTimeout;
  let interval = gcp.pollInterval;
  let service = before;
  let revisions: RevisionInfo[] = [];
  for (;;) {
    record.polls += 1;
    service = await cloudRun.getService(config.name);
    const fresh =
      service.latestCreatedRevision !== before.latestCreatedRevision ? service.latestCreatedRevision : null;
    let newest: RevisionInfo | undefined;
    if (fresh) {
      record.newRevision = fresh;
      revisions = await cloudRun.listRevisions(config.name);
      newest = revisions.find((r) => r.name === fresh);
      if (newest?.ready?.state === 'CONDITION_FAILED') {
        record.outcome = 'failed-revision';
        record.message = `new revision ${fresh} failed: ${conditionMessage(newest)}`;
        break;
      }
      if (service.latestReadyRevision === fresh && newest?.ready?.state === 'CONDITION_SUCCEEDED') {
        record.outcome = 'ready';
        record.message = `new revision ${fresh} is Ready after ${record.polls} poll(s)`;
        break;
      }
    }
    const left = deadline - input.now();
    if (left <= 0 || input.signal.aborted) {
      record.outcome = 'timeout';
      record.message = fresh
        ? `new revision ${fresh} not Ready after ${formatDuration(config.deploy.waitTimeout)}: ${conditionMessage(newest)}`
        : `no new revision appeared within ${formatDuration(config.deploy.waitTimeout)} (latest created is still ${before.latestCreatedRevision ?? 'none'})`;
      break;
    }
    await input.sleep(Math.min(interval, left), input.signal);
    interval = Math.min(interval * 1.5, gcp.pollInterval * 8);
  }
  record.waitMs = input.now() - started;
  return { record, service, revisions };
}
