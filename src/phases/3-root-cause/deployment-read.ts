/**
 * Deployment evidence of phase 3, the reads: for every service phase 0 resolved to a tested revision,
 * its log entries in the run's window (Cloud Logging) and its metric bands (Cloud Monitoring), all
 * services in parallel, each bounded by a deadline and a page count. A read that cannot be done
 * (credentials, permissions, an emulator without logging, a timeout) makes that part `inconclusive`
 * with the reason and the role to grant; it never fails the run. Also used by `tdl status --logs`.
 */
import type { CloudRunPort } from '../../adapters/cloudrun/port.js';
import type { Ports } from '../../adapters/index.js';
import type {
  LogEntryInfo,
  LogsPort,
  MetricsPort,
  RevisionWindow,
} from '../../adapters/observability/port.js';
import { traceIdForRun } from '../../core/ids.js';
import { errorRate, judge, type Measured, percentile } from '../../decision/slo.js';
import type { ServiceStatus } from '../../phase-data/deploy-status.js';
import { phaseResult } from '../../phase-data/index.js';
import type {
  DeploymentEvidence,
  FailureCluster,
  LogRead,
  ServiceLogs,
  SloIndicator,
  SloVerdict,
  TimeWindow,
} from '../../phase-data/root-cause.js';
import type { ServiceConfig } from '../../playbook/sections/cloudrun.js';
import type { Band } from '../../playbook/sections/evidence.js';
import type { RunContext } from '../context.js';
import {
  correlate,
  isRunTrace,
  LogGrouper,
  MAX_GROUPS,
  revisionLogFilter,
  suiteSpans,
  testSpans,
} from './deployment.js';

export interface EvidenceInput {
  ports: Pick<Ports, 'logs' | 'metrics' | 'cloudRun'>;
  services: readonly ServiceStatus[];
  configs: readonly ServiceConfig[];
  window: TimeWindow;
  traceId: string;
  redact: (text: string) => string;
  /** Deadline of one metrics call (gcp.callTimeout). */
  callTimeoutMs: number;
  signal?: AbortSignal;
}

/** A tested service: what phase 0 found and what the playbook says about it. */
interface Tested {
  status: ServiceStatus;
  config: ServiceConfig;
  revision: string;
}

function testedServices(input: EvidenceInput): Tested[] {
  return input.services.flatMap((status) => {
    const config = input.configs.find((c) => c.name === status.name);
    const revision = status.target?.revision ?? status.latestReadyRevision;
    return config && revision ? [{ status, config, revision }] : [];
  });
}

interface Failure {
  message: string;
  hint?: string;
}

function failureOf(error: unknown): Failure {
  const e = error as { message?: string; hint?: string };
  return { message: e?.message ?? String(error), ...(e?.hint ? { hint: e.hint } : {}) };
}

/** A port, or why it cannot be had (no endpoint for an emulated Cloud Run, no credentials). */
async function portOf<T>(get: () => Promise<T>): Promise<{ port: T } | { failure: Failure }> {
  try {
    return { port: await get() };
  } catch (error) {
    return { failure: failureOf(error) };
  }
}

const PAGE_SIZE = 1000;
/** Entries of this run's own trace kept per revision for correlation. */
const MAX_KEPT = 1000;

/** One revision's entries in a window, bounded; never throws. */
async function readRevision(
  logs: { port: LogsPort } | { failure: Failure },
  t: Tested,
  revision: string,
  window: TimeWindow,
  input: EvidenceInput,
): Promise<LogRead & { raw: LogEntryInfo[]; others?: number }> {
  const cfg = t.config.logs;
  const filter = revisionLogFilter(t.status.name, revision, window, cfg);
  const base = { revision, window, filter, entries: 0, pages: 0, truncated: false, groups: [], raw: [] };
  if ('failure' in logs)
    return {
      ...base,
      state: 'unavailable',
      reason: logs.failure.message,
      ...(logs.failure.hint ? { hint: logs.failure.hint } : {}),
    };
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve('timed-out');
    }, cfg.timeout);
  });
  const grouper = new LogGrouper(input.traceId, input.redact);
  // Only this run's own entries are kept (for correlation); the rest is counted into groups.
  const mine: LogEntryInfo[] = [];
  let others = 0;
  try {
    const read = await Promise.race([
      logs.port.list(
        {
          filter,
          pageSize: Math.min(PAGE_SIZE, cfg.maxEntries),
          maxPages: cfg.maxPages,
          maxEntries: cfg.maxEntries,
          callTimeoutMs: cfg.timeout,
          signal: abort.signal,
        },
        (e) => {
          grouper.add(e);
          if (!isRunTrace(e.trace, input.traceId)) others += 1;
          else if (mine.length < MAX_KEPT) mine.push(e);
        },
      ),
      deadline,
    ]);
    if (read === 'timed-out')
      return {
        ...base,
        state: 'timed-out',
        reason: `no answer within ${cfg.timeout} ms (services[].logs.timeout)`,
      };
    const groups = grouper.result();
    return {
      ...base,
      state: 'read',
      reason: `${read.entries} entr${read.entries === 1 ? 'y' : 'ies'} at ${cfg.severity} or above in ${read.pages} page(s)${read.truncated ? `, stopped at the bound (maxPages ${cfg.maxPages}, maxEntries ${cfg.maxEntries})` : ''}`,
      entries: read.entries,
      pages: read.pages,
      truncated: read.truncated,
      groups: groups.slice(0, MAX_GROUPS),
      raw: mine,
      others,
    };
  } catch (error) {
    const f = failureOf(error);
    return { ...base, state: 'unavailable', reason: f.message, ...(f.hint ? { hint: f.hint } : {}) };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onAbort);
  }
}

/** The serving revision other than the tested one (most traffic first), or null. */
function servingOther(t: Tested): string | null {
  const serving = (t.status.traffic ?? [])
    .filter((e) => e.revision && e.revision !== t.revision && e.percent > 0)
    .sort((a, b) => b.percent - a.percent);
  return serving[0]?.revision ?? null;
}

/**
 * The revision `no-new-errors` compares with and its window: the serving revision over the same
 * window; else the previous revision over a window of the same length ending when the tested one was
 * created (when the previous one was still serving).
 */
async function baselineOf(
  t: Tested,
  window: TimeWindow,
  cloudRun: () => Promise<CloudRunPort>,
): Promise<{ revision: string; window: TimeWindow; why: string } | { none: string }> {
  const serving = servingOther(t);
  if (serving) return { revision: serving, window, why: 'the revision serving traffic, same window' };
  try {
    const revisions = await (await cloudRun()).listRevisions(t.status.name);
    const i = revisions.findIndex((r) => r.name === t.revision);
    const previous = i >= 0 ? revisions[i + 1] : undefined;
    if (!previous) return { none: `${t.revision} is the only revision of ${t.status.name}` };
    const created = Date.parse(revisions[i]!.createTime ?? '');
    if (Number.isNaN(created)) return { none: `the create time of ${t.revision} is unknown` };
    const length = Date.parse(window.end) - Date.parse(window.start);
    return {
      revision: previous.name,
      window: { start: new Date(created - length).toISOString(), end: new Date(created).toISOString() },
      why: 'the previous revision, a window of the same length before the tested one was created',
    };
  } catch (error) {
    return { none: `the revisions of ${t.status.name} could not be listed: ${failureOf(error).message}` };
  }
}

export interface LogsResult {
  logs: ServiceLogs[];
  /** Raw entries of the tested revisions (for correlation; not kept in the record). */
  raw: { service: string; revision: string; entries: LogEntryInfo[]; others: number }[];
}

/** Every tested service's logs (and its baseline's), in parallel. */
export async function readServiceLogs(input: EvidenceInput, withBaseline = true): Promise<LogsResult> {
  const tested = testedServices(input).filter((t) => t.config.logs.enabled);
  if (tested.length === 0) return { logs: [], raw: [] };
  const logs = await portOf(() => input.ports.logs());
  const results = await Promise.all(
    tested.map(async (t) => {
      // The baseline is read as soon as it is known, alongside the tested revision (not after it).
      const [read, found] = await Promise.all([
        readRevision(logs, t, t.revision, input.window, input),
        withBaseline
          ? baselineOf(t, input.window, () => input.ports.cloudRun()).then(async (b) => ({
              baseline: b,
              read: 'revision' in b ? await readRevision(logs, t, b.revision, b.window, input) : null,
            }))
          : null,
      ]);
      const baseline = found?.baseline ?? null;
      let baselineRead: (LogRead & { why: string }) | null = null;
      if (found?.read && baseline && 'revision' in baseline) {
        const { raw: _raw, others: _others, ...rest } = found.read;
        baselineRead = { ...rest, why: baseline.why };
      }
      const { raw, others, ...kept } = read;
      const service: ServiceLogs = { ...kept, service: t.status.name, baseline: baselineRead };
      if (baseline && 'none' in baseline) service.noBaseline = baseline.none;
      if (read.state === 'read' && baselineRead?.state === 'read') {
        const before = new Set(groupEntriesSignatures(baselineRead));
        service.newSignatures = read.groups.map((g) => g.signature).filter((s) => !before.has(s));
      }
      return {
        service,
        raw: { service: t.status.name, revision: t.revision, entries: raw, others: others ?? 0 },
      };
    }),
  );
  return { logs: results.map((r) => r.service), raw: results.map((r) => r.raw) };
}

function groupEntriesSignatures(read: LogRead): string[] {
  return read.groups.map((g) => g.signature);
}

const PERCENTILES: readonly ['p50' | 'p95' | 'p99', number][] = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
];

/** The metric bands of every tested service with `slo`, in parallel. */
export async function measureSlos(input: EvidenceInput): Promise<SloVerdict[]> {
  const tested = testedServices(input).filter((t) => t.config.slo);
  if (tested.length === 0) return [];
  const metrics = await portOf(() => input.ports.metrics());
  const perService = await Promise.all(tested.map((t) => measureService(metrics, t, input)));
  return perService.flat();
}

async function measureService(
  metrics: { port: MetricsPort } | { failure: Failure },
  t: Tested,
  input: EvidenceInput,
): Promise<SloVerdict[]> {
  const slo = t.config.slo!;
  const end = Date.parse(input.window.end);
  const window: TimeWindow = slo.window
    ? { start: new Date(end - slo.window).toISOString(), end: input.window.end }
    : input.window;
  const bands: [SloIndicator, Band][] = [
    ...(slo.errorRate ? [['error-rate', slo.errorRate] as [SloIndicator, Band]] : []),
    ...PERCENTILES.flatMap(([k]) => (slo.latency?.[k] ? [[k, slo.latency[k]!] as [SloIndicator, Band]] : [])),
  ];
  const serving = servingOther(t);
  const q = (revision: string): RevisionWindow => ({
    service: t.status.name,
    revision,
    startMs: Date.parse(window.start),
    endMs: end,
    callTimeoutMs: input.callTimeoutMs,
  });
  const measuredOf = async (revision: string) => {
    if ('failure' in metrics) throw metrics.failure;
    const wantsLatency = bands.some(([k]) => k !== 'error-rate');
    const [counts, dist] = await Promise.all([
      metrics.port.requestCounts(q(revision)),
      wantsLatency ? metrics.port.latencies(q(revision)) : Promise.resolve(null),
    ]);
    const rate = errorRate(counts);
    const values: Record<SloIndicator, number | null> = {
      'error-rate': rate.rate,
      p50: percentile(dist, 0.5),
      p95: percentile(dist, 0.95),
      p99: percentile(dist, 0.99),
    };
    return values;
  };
  const needsBaseline = bands.some(([, b]) => b.pass.relative || b.warning?.relative);
  try {
    const [mine, theirs] = await Promise.all([
      measuredOf(t.revision),
      needsBaseline && serving ? measuredOf(serving) : Promise.resolve(null),
    ]);
    return bands.map(([indicator, band]) => {
      const m: Measured = {
        service: t.status.name,
        revision: t.revision,
        indicator,
        value: mine[indicator],
        noData:
          indicator === 'error-rate'
            ? `${t.revision} served no request in the window`
            : `${t.revision} has no latency points in the window`,
        window,
        ...(theirs && serving ? { baseline: { revision: serving, value: theirs[indicator] } } : {}),
        ...(serving ? {} : { noBaseline: `${t.revision} is the only revision serving traffic` }),
      };
      return judge(m, band);
    });
  } catch (error) {
    const f = error instanceof Error ? failureOf(error) : (error as Failure);
    return bands.map(([indicator, band]) => ({
      service: t.status.name,
      revision: t.revision,
      indicator,
      verdict: 'inconclusive' as const,
      value: null,
      bound: band.pass.text,
      window,
      text: `${t.status.name}: ${indicator === 'error-rate' ? '5xx' : indicator} not measured: ${f.message}${f.hint ? ` — ${f.hint}` : ''}`,
    }));
  }
}

/**
 * Phase 3's deployment evidence for this run: the window is the run's (its start to now), the trace
 * is the run's; entries of that trace are attached to the clusters of the suite that caused them.
 */
export async function deploymentEvidence(
  ctx: RunContext,
  clusters: readonly FailureCluster[],
): Promise<DeploymentEvidence | undefined> {
  const deploy = phaseResult(ctx.record, 'deploy-status');
  const services = deploy?.data?.services ?? [];
  if (ctx.playbook.services.length === 0 || services.length === 0) return undefined;
  const window: TimeWindow = { start: ctx.record.startedAt, end: ctx.clock.now().toISOString() };
  const traceId = traceIdForRun(ctx.runId);
  const input: EvidenceInput = {
    ports: ctx.ports,
    services,
    configs: ctx.playbook.services,
    window,
    traceId,
    redact: (text) => ctx.redactor.redact(text),
    callTimeoutMs: ctx.playbook.gcp?.callTimeout ?? 10_000,
    signal: ctx.signal,
  };
  const [logs, slo] = await Promise.all([readServiceLogs(input), measureSlos(input)]);
  const suites = phaseResult(ctx.record, 'run-tests')?.data?.suites ?? [];
  const c = correlate(
    logs.raw,
    traceId,
    suiteSpans(suites),
    clusters,
    input.redact,
    testSpans(suites, traceId),
  );
  const read = logs.logs.some((l) => l.state === 'read');
  return {
    window,
    traceId,
    logs: logs.logs,
    correlated: c.correlated,
    ...(c.dropped ? { correlatedDropped: c.dropped } : {}),
    correlation: {
      failingTests: c.failingTests,
      correlatedTests: c.correlatedTests,
      ownSpanTests: c.ownSpanTests,
      rate: read && c.failingTests > 0 ? c.correlatedTests / c.failingTests : null,
      otherEntries: c.otherEntries,
    },
    slo,
  };
}
