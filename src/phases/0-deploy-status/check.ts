/**
 * Phase 0's work, usable by `tdl run` and `tdl status`: read every service in parallel, judge it,
 * deploy stale ones when asked (and wait), tag a just-deployed revision when asked, and roll up.
 */
import { CloudRunError } from '../../adapters/cloudrun/errors.js';
import type { CloudRunPort, RevisionInfo, ServiceInfo } from '../../adapters/cloudrun/port.js';
import type { ProcessPort } from '../../adapters/process/port.js';
import { errorMessage } from '../../core/errors.js';
import type { Finding } from '../../core/record.js';
import { worstVerdict } from '../../core/states.js';
import type { DeployStatusData, ServiceStatus } from '../../phase-data/deploy-status.js';
import type { Playbook } from '../../playbook/load.js';
import type { ServiceConfig } from '../../playbook/sections/cloudrun.js';
import type { PhaseOutcome } from '../phase.js';
import { assessService } from './assess.js';
import { deployAndWait, plannedDeploy } from './deploy.js';

export interface PhaseLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CheckInput {
  playbook: Playbook;
  cloudRun(): Promise<CloudRunPort>;
  process: ProcessPort;
  now(): Date;
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  logger: PhaseLog;
  runId: string;
  runDir: string;
  reportDir: string;
  /** `--deploy` */
  deploy: boolean;
  /** Never deploy or tag (dry run, `tdl status`): report what would be done. */
  readOnly: boolean;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

/** `error` is set when Cloud Run could not be used or a deploy failed: the run's exit code is 3. */
export type CheckOutcome = PhaseOutcome<DeployStatusData>;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A short run id suffix for tags: `tdl-<6 hex>` (tags are lowercase letters, digits and dashes). */
export function tagFor(runId: string): string {
  return `tdl-${runId.split('-').pop() ?? runId}`.toLowerCase();
}

function unreadable(config: ServiceConfig, error: unknown): ServiceStatus {
  const known = error instanceof CloudRunError ? error : null;
  const notFound = known?.kind === 'not-found';
  return {
    name: config.name,
    verdict: notFound ? 'fail' : 'inconclusive',
    kind: notFound ? 'not-found' : 'unreadable',
    reason: errorMessage(error),
    action: known?.hint ?? null,
    url: null,
    latestReadyRevision: null,
    latestCreatedRevision: null,
    freshWithinMs: config.freshWithin,
    deploy: null,
    target: null,
    errorCode: known?.code ?? 'EINTERNAL',
  };
}

async function checkOne(
  input: CheckInput,
  port: CloudRunPort,
  config: ServiceConfig,
): Promise<ServiceStatus> {
  const gcp = input.playbook.gcp!;
  let service: ServiceInfo;
  let revisions: RevisionInfo[];
  try {
    [service, revisions] = await Promise.all([port.getService(config.name), port.listRevisions(config.name)]);
  } catch (error) {
    return unreadable(config, error);
  }
  const first = assessService({ config, service, revisions, now: input.now() });
  const wants = config.deploy && first.stale && (input.deploy || config.autoDeploy);
  if (!wants || !config.deploy) return first;
  const deployConfig = { ...config, deploy: config.deploy };
  if (input.readOnly) {
    return {
      ...first,
      deploy: plannedDeploy({
        config: deployConfig,
        before: service,
        runId: input.runId,
        reportDir: input.reportDir,
      }),
      reason: `${first.reason}; would deploy (${input.deploy ? '--deploy' : 'autoDeploy'}) but this is a read-only check`,
    };
  }
  input.logger.info(
    { service: config.name, command: config.deploy.command.join(' ') },
    `deploying ${config.name}`,
  );
  try {
    const done = await deployAndWait({
      config: deployConfig,
      gcp,
      before: service,
      cloudRun: port,
      process: input.process,
      runId: input.runId,
      runDir: input.runDir,
      reportDir: input.reportDir,
      repoDir: input.playbook.repoDir,
      endpoint: input.env.TDL_CLOUDRUN_ENDPOINT || gcp.endpoint,
      signal: input.signal,
      now: () => input.now().getTime(),
      sleep: input.sleep ?? abortableSleep,
    });
    const deploy = done.record;
    input.logger.info(
      { service: config.name, outcome: deploy.outcome },
      `deploy of ${config.name}: ${deploy.message}`,
    );
    if (deploy.outcome !== 'ready') {
      return {
        ...(done.revisions.length
          ? assessService({ config, service: done.service, revisions: done.revisions, now: input.now() })
          : first),
        verdict: 'fail',
        kind: deploy.outcome === 'failed-revision' ? 'failed-revision' : first.kind,
        reason: `deploy failed: ${deploy.message}`,
        action: deploy.logFile ? `see the deploy log ${deploy.logFile}` : null,
        deploy,
      };
    }
    let after = done.service;
    let tagged: string | null = null;
    if (config.tagRevision && deploy.newRevision) {
      const tag = tagFor(input.runId);
      after = await port.tagRevision(config.name, deploy.newRevision, tag);
      deploy.tag = tag;
      tagged = deploy.newRevision;
      input.logger.info({ service: config.name, tag }, `tagged ${deploy.newRevision} as ${tag}`);
    }
    const status = assessService({
      config,
      service: after,
      revisions: done.revisions,
      now: input.now(),
      taggedRevision: tagged,
    });
    return { ...status, deploy };
  } catch (error) {
    const failed = unreadable(config, error);
    return { ...failed, reason: `during deploy-and-wait: ${failed.reason}` };
  }
}

function findingFor(s: ServiceStatus): Finding | null {
  if (s.verdict === 'pass') return null;
  return {
    kind: `service-${s.kind ?? 'unreadable'}`,
    severity: s.verdict === 'fail' ? 'error' : 'warning',
    message: `${s.reason}${s.action ? ` — ${s.action}` : ''}`,
    subject: s.name,
  };
}

/** Checks every service of the playbook in parallel and rolls the results up into the phase outcome. */
export async function checkServices(input: CheckInput): Promise<CheckOutcome> {
  const { playbook } = input;
  const gcp = playbook.gcp!;
  const port = await input.cloudRun();
  const services = await Promise.all(playbook.services.map((s) => checkOne(input, port, s)));
  const data: DeployStatusData = {
    services,
    target: port.target,
    project: gcp.project,
    region: gcp.region,
    checkedAt: input.now().toISOString(),
  };
  const findings = services.map(findingFor).filter((f): f is Finding => f !== null);
  const verdict = worstVerdict(services.map((s) => s.verdict));
  const unread = services.filter((s) => s.kind === 'unreadable');
  const deployFailed = services.filter((s) => s.deploy && !['ready', 'planned'].includes(s.deploy.outcome));
  const counts = (['pass', 'fail', 'inconclusive'] as const)
    .map((v) => [v, services.filter((s) => s.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const reason = `${services.length} service(s): ${counts}`;
  if (unread.length || deployFailed.length) {
    const first = unread[0] ?? deployFailed[0]!;
    const message = unread.length
      ? `could not read ${unread.map((s) => s.name).join(', ')}: ${first.reason}`
      : `deploy failed for ${deployFailed.map((s) => s.name).join(', ')}: ${first.deploy?.message ?? first.reason}`;
    return {
      state: 'errored',
      verdict,
      reason: `${reason}; ${message}`,
      data,
      findings,
      error: {
        code: unread.length ? (first.errorCode ?? 'ECLOUDRUN') : 'EDEPLOY',
        message,
        exitCode: 3,
      },
    };
  }
  return { state: 'completed', verdict, reason, data, findings };
}
