/**
 * `tdl status`: phase 0 alone, read-only (it never deploys or tags; a deploy it would run is shown as
 * planned). Exit 0 when every service is healthy and fresh, 1 when one is stale, not ready or missing,
 * 3 when Cloud Run could not be read (unreachable, permission denied). With `--logs`, it also reads
 * the revisions' logs and metric bands over `--since` as phase 3 does. A command over two phases, so it
 * lives with the pipeline rather than in either phase.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPorts } from '../adapters/index.js';
import { EXIT, UsageError } from '../core/errors.js';
import { newRunId } from '../core/ids.js';
import { type Verdict, worstVerdict } from '../core/states.js';
import type { DeployStatusData, ServiceStatus } from '../phase-data/deploy-status.js';
import type { ServiceLogs, SloVerdict, TimeWindow } from '../phase-data/root-cause.js';
import { checkServices } from '../phases/0-deploy-status/check.js';
import { measureSlos, readServiceLogs } from '../phases/3-root-cause/deployment-read.js';
import { renderEvidenceText } from '../phases/3-root-cause/deployment-text.js';
import { loadPlaybook } from '../playbook/load.js';
import { ageText, trafficText } from '../services/cloud-run-text.js';
import { Redactor } from '../telemetry/redact.js';

export interface StatusReport extends DeployStatusData {
  playbook: string;
  /** With `--logs`: the revisions' log groups and metric bands over `--since`. */
  evidence?: { window: TimeWindow; logs: ServiceLogs[]; slo: SloVerdict[] };
  verdict: Verdict;
  exitCode: number;
  /** Why the check could not finish (Cloud Run unreachable, permission denied). */
  error: string | null;
}

export async function runStatus(
  playbookFile: string,
  env: NodeJS.ProcessEnv,
  options: { logsSinceMs?: number } = {},
): Promise<StatusReport> {
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
  const data = outcome.data!;
  let evidence: StatusReport['evidence'];
  if (options.logsSinceMs !== undefined && !outcome.error) {
    const end = new Date();
    const window = {
      start: new Date(end.getTime() - options.logsSinceMs).toISOString(),
      end: end.toISOString(),
    };
    const redactor = Redactor.fromEnv(playbook.redact.env, env);
    const input = {
      ports,
      services: data.services,
      configs: playbook.services,
      window,
      traceId: '',
      redact: (text: string) => redactor.redact(text),
      callTimeoutMs: playbook.gcp.callTimeout,
    };
    const [logs, slo] = await Promise.all([readServiceLogs(input, false), measureSlos(input)]);
    evidence = { window, logs: logs.logs, slo };
    await Promise.all(
      [ports.logs, ports.metrics].map((get) =>
        get().then(
          (p) => p.close(),
          () => undefined,
        ),
      ),
    );
  }
  await (await ports.cloudRun()).close();
  // A band outside its bound is a failed service, as in deployment-healthy; no data does not pass it.
  const verdict = worstVerdict([
    outcome.verdict ?? 'inconclusive',
    ...(evidence?.slo.map((v) => (v.verdict === 'warning' ? 'pass' : v.verdict)) ?? []),
  ]);
  return {
    playbook: playbook.file,
    ...data,
    ...(evidence ? { evidence } : {}),
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
  const evidence = report.evidence ? [renderEvidenceText(report.evidence), ''] : [];
  return [head, '', ...report.services.flatMap((s) => [...serviceLines(s), '']), ...evidence, tail].join(
    '\n',
  );
}
