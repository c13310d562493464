/**
 * `tdl status`: phase 0 alone, read-only (it never deploys or tags; a deploy it would run is shown as
 * planned). Exit 0 when every service is healthy and fresh, 1 when one is stale, not ready or missing,
 * 3 when Cloud Run could not be read (unreachable, permission denied).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPorts } from '../../adapters/index.js';
import { EXIT, UsageError } from '../../pipeline/errors.js';
import type { Verdict } from '../../pipeline/states.js';
import { loadPlaybook } from '../../playbook/load.js';
import { newRunId } from '../../telemetry/ids.js';
import { ageText, trafficText } from './assess.js';
import { checkServices } from './check.js';
import type { DeployStatusData, ServiceStatus } from './types.js';

export interface StatusReport extends DeployStatusData {
  playbook: string;
  verdict: Verdict;
  exitCode: number;
  /** Why the check could not finish (Cloud Run unreachable, permission denied). */
  error: string | null;
}

export async function runStatus(playbookFile: string, env: NodeJS.ProcessEnv): Promise<StatusReport> {
  const playbook = loadPlaybook(playbookFile);
  if (playbook.services.length === 0 || !playbook.gcp) {
    throw new UsageError(
      'ENOSERVICES',
      `${playbookFile}: no Cloud Run services to check (expected a gcp section and a services list)`,
      'add gcp: { project, region } and services: [{ name: ... }] to the playbook',
    );
  }
  const ports = createPorts(playbook, env);
  const runId = newRunId(new Date());
  const scratch = join(tmpdir(), 'tdl-status');
  const outcome = await checkServices({
    playbook,
    cloudRun: () => ports.cloudRun(),
    process: ports.process,
    now: () => new Date(),
    logger: { info() {}, warn() {} },
    runId,
    runDir: scratch,
    reportDir: scratch,
    deploy: false,
    readOnly: true,
    signal: new AbortController().signal,
    env,
  });
  await (await ports.cloudRun()).close();
  const data = outcome.data!;
  const verdict = outcome.verdict ?? 'inconclusive';
  return {
    playbook: playbook.file,
    ...data,
    verdict,
    exitCode: outcome.error ? EXIT.infrastructure : verdict === 'pass' ? EXIT.ok : EXIT.defer,
    error: outcome.error?.message ?? null,
  };
}

function serviceLines(s: ServiceStatus): string[] {
  const rows: [string, string][] = [
    ['latest created', s.latestCreatedRevision ?? '–'],
    [
      'latest ready',
      s.latestReadyRevision
        ? `${s.latestReadyRevision}${s.readyCreateTime ? `, created ${s.readyCreateTime} (${ageText(s.readyAgeMs ?? 0)} ago)` : ''}`
        : '–',
    ],
    [
      'Ready',
      s.condition
        ? `${s.condition.state.replace(/^CONDITION_/, '')}${s.condition.reason ? ` (${s.condition.reason})` : ''}${s.condition.message ? `: ${s.condition.message}` : ''}`
        : '–',
    ],
    ['traffic', s.traffic ? trafficText(s.traffic) : '–'],
    ['url', s.url ?? '–'],
  ];
  if (s.deploy) rows.push(['deploy', `${s.deploy.outcome}: ${s.deploy.command.join(' ')}`]);
  const out = [`${s.name}: ${s.verdict.toUpperCase()} (${s.kind ?? 'unknown'})`];
  for (const [k, v] of rows) out.push(`  ${k.padEnd(15)}${v}`);
  out.push(`  ${'why'.padEnd(15)}${s.reason}`);
  if (s.action) out.push(`  ${'do'.padEnd(15)}${s.action}`);
  return out;
}

/** The human form of a status report. */
export function renderStatusText(report: StatusReport): string {
  const head = `Cloud Run ${report.project}/${report.region} via ${report.target} at ${report.checkedAt}`;
  const tail = `Verdict: ${report.verdict}${report.error ? ` — ${report.error}` : ''} (exit ${report.exitCode})`;
  return [head, '', ...report.services.flatMap((s) => [...serviceLines(s), '']), tail].join('\n');
}
