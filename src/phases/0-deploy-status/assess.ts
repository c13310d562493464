/** Pure judgement of one Cloud Run service: what was read in, a verdict, a reason and what to do out. */
import type { RevisionInfo, ServiceInfo } from '../../adapters/cloudrun/port.js';
import type { ServiceStatus, ServiceTarget } from '../../phase-data/deploy-status.js';
import type { ServiceConfig } from '../../playbook/sections/cloudrun.js';
import { ageText } from '../../services/cloud-run-text.js';

export interface AssessInput {
  config: ServiceConfig;
  service: ServiceInfo;
  /** Revisions as listed (newest first); only the latest created and ready ones are looked at. */
  revisions: readonly RevisionInfo[];
  now: Date;
  /** A revision this run tagged after deploying it: it counts as reachable through its tag. */
  taggedRevision?: string | null;
}

/** A duration as people write it in a playbook: `15m`, `24h`, `90s`. */
export function shortDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Percent of traffic a revision receives. */
export function trafficTo(service: ServiceInfo, revision: string | null): number {
  if (!revision) return 0;
  return service.traffic.filter((t) => t.revision === revision).reduce((sum, t) => sum + t.percent, 0);
}

/** The URL and revision suites should test: a tagged revision's own URL, else the service URL and the revision serving most. */
export function targetFor(service: ServiceInfo, taggedRevision: string | null): ServiceTarget {
  const tagged = taggedRevision
    ? service.traffic.find((t) => t.revision === taggedRevision && t.tag && t.uri)
    : undefined;
  if (tagged) return { url: tagged.uri, revision: tagged.revision, via: 'tag' };
  const serving = [...service.traffic].filter((t) => t.percent > 0).sort((a, b) => b.percent - a.percent)[0];
  return { url: service.uri, revision: serving?.revision ?? null, via: 'service' };
}

function conditionText(
  c: { state: string; reason: string | null; message: string } | null | undefined,
): string {
  if (!c) return 'no Ready condition';
  return `${c.state.replace(/^CONDITION_/, '')}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

export function assessService(input: AssessInput): ServiceStatus {
  const { config, service, revisions, now } = input;
  const tagged = input.taggedRevision ?? null;
  const created = service.latestCreatedRevision;
  const ready = service.latestReadyRevision;
  const readyInfo = revisions.find((r) => r.name === ready);
  const createdInfo = revisions.find((r) => r.name === created);
  const readyCreateTime = readyInfo?.createTime ?? null;
  const readyAgeMs = readyCreateTime ? Math.max(0, now.getTime() - Date.parse(readyCreateTime)) : null;
  const stale = ready === null || readyAgeMs === null || readyAgeMs > config.freshWithin;
  const base = {
    name: config.name,
    url: service.uri,
    latestReadyRevision: ready,
    latestCreatedRevision: created,
    readyCreateTime,
    readyAgeMs,
    freshWithinMs: config.freshWithin,
    stale,
    condition: service.terminalCondition,
    createdCondition: created && created !== ready ? (createdInfo?.ready ?? null) : null,
    traffic: service.traffic,
    deploy: null,
    target: targetFor(service, tagged),
    errorCode: null,
  };
  const fail = (kind: ServiceStatus['kind'], reason: string, action: string): ServiceStatus => ({
    ...base,
    verdict: 'fail',
    kind,
    reason,
    action,
  });
  const describe = `gcloud run revisions describe ${created} --region <region>`;
  const createdFailed = created !== ready && createdInfo?.ready?.state === 'CONDITION_FAILED';

  if (createdFailed) {
    return fail(
      'failed-revision',
      `latest created revision ${created} failed (Ready=False: ${conditionText(createdInfo?.ready)})${ready ? `; ${ready} still serves` : '; no revision is ready'}`,
      `fix what made ${created} fail and deploy again (${describe})`,
    );
  }
  if (ready === null || created !== ready) {
    return fail(
      'not-ready',
      ready === null
        ? `no ready revision (${conditionText(service.terminalCondition)})`
        : `latest created revision ${created} is not ready yet (${conditionText(createdInfo?.ready)}); ${ready} serves`,
      'wait for the rollout to finish, then check again (tdl status)',
    );
  }
  const share = trafficTo(service, ready);
  const reachableByTag = tagged === ready && base.target.via === 'tag';
  if (share === 0 && !reachableByTag) {
    const serving = service.traffic.filter((t) => t.percent > 0).map((t) => `${t.revision} ${t.percent}%`);
    return fail(
      'no-traffic',
      `revision ${ready} is ready but receives no traffic: traffic is pinned to ${serving.join(', ') || 'nothing'}`,
      `route traffic to it (gcloud run services update-traffic ${config.name} --to-latest), or set tagRevision: true to test it through a tag`,
    );
  }
  if (stale) {
    return fail(
      'stale',
      `ready revision ${ready} is ${ageText(readyAgeMs ?? 0)} old, older than freshWithin ${shortDuration(config.freshWithin)}`,
      config.deploy
        ? 'deploy it: tdl run --deploy (or autoDeploy: true on the service)'
        : 'deploy a new revision, or set services[].deploy so that tdl run --deploy can',
    );
  }
  return {
    ...base,
    verdict: 'pass',
    kind: 'healthy',
    reason: `${ready} is ready, ${ageText(readyAgeMs ?? 0)} old (freshWithin ${shortDuration(config.freshWithin)}), ${
      reachableByTag && share === 0
        ? `reached through tag ${base.target.url} (0% of traffic)`
        : `serving ${share}% of traffic`
    }`,
    action: null,
  };
}
