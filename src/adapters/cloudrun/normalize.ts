/**
 * Client messages to the port's plain types, in one place. The client hands back plain objects from
 * reads but raw protobuf messages (Long, numeric enums) from operations; both shapes are accepted.
 */
import type { CloudRunCondition, RevisionInfo, ServiceInfo, TrafficEntry } from './port.js';

const CONDITION_STATES = [
  'STATE_UNSPECIFIED',
  'CONDITION_PENDING',
  'CONDITION_RECONCILING',
  'CONDITION_FAILED',
  'CONDITION_SUCCEEDED',
];
const TRAFFIC_TYPES = [
  'TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED',
  'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST',
  'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
];

type Loose = Record<string, unknown> | null | undefined;

function enumText(value: unknown, names: readonly string[]): string {
  if (typeof value === 'number') return names[value] ?? String(value);
  return typeof value === 'string' ? value : (names[0] ?? '');
}

/** ISO time of a protobuf Timestamp ({seconds: string | number | Long, nanos}); null when unset. */
export function timestampIso(ts: unknown): string | null {
  if (!ts || typeof ts !== 'object') return null;
  const seconds = Number(String((ts as { seconds?: unknown }).seconds ?? '0'));
  const nanos = Number((ts as { nanos?: unknown }).nanos ?? 0);
  if (!Number.isFinite(seconds) || (seconds === 0 && nanos === 0)) return null;
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

/** `projects/p/locations/r/services/s/revisions/x` → `x`; empty → null. */
export function shortName(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return null;
  return name.split('/').pop() ?? null;
}

export function normalizeCondition(input: unknown): CloudRunCondition | null {
  const c = input as Loose;
  if (!c) return null;
  const reason = c.reason ?? c.revisionReason ?? c.executionReason;
  return {
    type: String(c.type ?? ''),
    state: enumText(c.state, CONDITION_STATES),
    reason: typeof reason === 'string' && reason && !reason.endsWith('UNDEFINED') ? reason : null,
    message: String(c.message ?? ''),
    lastTransitionTime: timestampIso(c.lastTransitionTime),
  };
}

export function normalizeRevision(input: unknown): RevisionInfo {
  const r = input as Loose;
  const conditions = (r?.conditions as Loose[] | undefined) ?? [];
  return {
    name: shortName(r?.name) ?? '',
    createTime: timestampIso(r?.createTime),
    ready: normalizeCondition(conditions.find((c) => c?.type === 'Ready')),
  };
}

export function normalizeService(input: unknown): ServiceInfo {
  const s = input as Loose;
  const latestReady = shortName(s?.latestReadyRevision);
  const statuses = (s?.trafficStatuses as Loose[] | undefined) ?? [];
  const traffic: TrafficEntry[] = statuses.map((t) => {
    const latest = enumText(t?.type, TRAFFIC_TYPES) === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
    return {
      revision: shortName(t?.revision) ?? (latest ? latestReady : null),
      percent: Number(t?.percent ?? 0),
      latest,
      tag: typeof t?.tag === 'string' && t.tag ? t.tag : null,
      uri: typeof t?.uri === 'string' && t.uri ? t.uri : null,
    };
  });
  return {
    name: shortName(s?.name) ?? '',
    uri: typeof s?.uri === 'string' && s.uri ? s.uri : null,
    latestCreatedRevision: shortName(s?.latestCreatedRevision),
    latestReadyRevision: latestReady,
    terminalCondition: normalizeCondition(s?.terminalCondition),
    traffic,
    reconciling: Boolean(s?.reconciling),
  };
}
