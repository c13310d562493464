/**
 * What the Cloud Monitoring emulator holds: the request metrics Cloud Run writes for each revision
 * (`run.googleapis.com/request_count`, INT64 DELTA by `response_code_class`, and
 * `run.googleapis.com/request_latencies`, DISTRIBUTION DELTA in milliseconds), and the aggregation of
 * ListTimeSeries over them (ALIGN_DELTA/ALIGN_SUM, REDUCE_SUM/REDUCE_NONE, group by labels).
 */
import type { ErrorSpec } from '../cloudrun/state.js';
import { matches, parseFilter } from '../filter.js';

export const REQUEST_COUNT = 'run.googleapis.com/request_count';
export const REQUEST_LATENCIES = 'run.googleapis.com/request_latencies';

/** Cloud Run's latency buckets: exponential, in milliseconds. */
export const LATENCY_BUCKETS = { numFiniteBuckets: 100, growthFactor: 1.4, scale: 1 };

export interface RequestSample {
  service: string;
  revision: string;
  at: Date | number;
  /** Requests in this sample, all of one response code class. */
  count: number;
  codeClass?: '2xx' | '3xx' | '4xx' | '5xx';
  /** One latency for every request, or a list cycled over the count. Default 50 ms. */
  latencyMs?: number | number[];
}

interface Series {
  metric: { type: string; labels: Record<string, string> };
  resource: { type: string; labels: Record<string, string> };
  kind: 'int' | 'dist';
  points: { at: number; value: number | number[] }[];
}

export interface Aggregation {
  alignmentPeriod?: { seconds?: string | number };
  perSeriesAligner?: string;
  crossSeriesReducer?: string;
  groupByFields?: string[];
}

export class MonitoringError extends Error {}

function bucketIndex(ms: number): number {
  const { numFiniteBuckets, growthFactor, scale } = LATENCY_BUCKETS;
  if (ms < scale) return 0;
  const i = Math.floor(Math.log(ms / scale) / Math.log(growthFactor)) + 1;
  return Math.min(i, numFiniteBuckets + 1);
}

function distribution(latencies: number[]) {
  const counts = new Array<number>(LATENCY_BUCKETS.numFiniteBuckets + 2).fill(0);
  for (const l of latencies) counts[bucketIndex(l)]! += 1;
  while (counts.length > 1 && counts[counts.length - 1] === 0) counts.pop();
  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0;
  return {
    count: String(latencies.length),
    mean,
    bucketOptions: { exponentialBuckets: LATENCY_BUCKETS },
    bucketCounts: counts.map(String),
  };
}

function stamp(ms: number) {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

const millis = (t: { seconds?: string | number; nanos?: number } | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : Number.NaN;

export class MonitoringState {
  readonly project: string;
  readonly calls: { method: string; filter: string; at: number; error: string | null }[] = [];
  private readonly series = new Map<string, Series>();
  private errors: (ErrorSpec & { left: number })[] = [];

  constructor(options: { project: string }) {
    this.project = options.project;
  }

  addRequests(samples: RequestSample[]): void {
    for (const s of samples) {
      const at = typeof s.at === 'number' ? s.at : s.at.getTime();
      const codeClass = s.codeClass ?? '2xx';
      const resource = {
        type: 'cloud_run_revision',
        labels: {
          project_id: this.project,
          service_name: s.service,
          revision_name: s.revision,
          location: 'us-central1',
          configuration_name: s.service,
        },
      };
      const list = Array.isArray(s.latencyMs) ? s.latencyMs : [s.latencyMs ?? 50];
      const latencies = Array.from({ length: s.count }, (_, i) => list[i % list.length]!);
      this.seriesOf(REQUEST_COUNT, { response_code_class: codeClass }, resource, 'int').points.push({
        at,
        value: s.count,
      });
      this.seriesOf(REQUEST_LATENCIES, { response_code_class: codeClass }, resource, 'dist').points.push({
        at,
        value: latencies,
      });
    }
  }

  private seriesOf(
    type: string,
    labels: Record<string, string>,
    resource: Series['resource'],
    kind: Series['kind'],
  ) {
    const key = JSON.stringify([type, labels, resource]);
    let s = this.series.get(key);
    if (!s) {
      s = { metric: { type, labels }, resource, kind, points: [] };
      this.series.set(key, s);
    }
    return s;
  }

  injectError(spec: ErrorSpec): void {
    this.errors.push({ ...spec, left: spec.times ?? Number.POSITIVE_INFINITY });
  }

  callOf(method: string, filter: string): ErrorSpec | null {
    const rule = this.errors.find((e) => e.left > 0 && (e.method === undefined || e.method === method));
    if (rule) rule.left -= 1;
    this.calls.push({ method, filter, at: Date.now(), error: rule?.code ?? null });
    return rule ?? null;
  }

  /** ListTimeSeries: the series the filter selects, points in (start, end], aggregated. */
  listTimeSeries(
    filter: string,
    interval: { startTime?: { seconds?: string | number }; endTime?: { seconds?: string | number } },
    aggregation: Aggregation | undefined,
  ): Record<string, unknown>[] {
    const node = parseFilter(filter);
    const start = millis(interval.startTime);
    const end = millis(interval.endTime);
    if (Number.isNaN(end)) throw new MonitoringError('interval.end_time is required');
    const from = Number.isNaN(start) ? end : start;
    const selected = [...this.series.values()]
      .filter((s) =>
        matches(
          node,
          (path) => {
            if (path === 'metric.type') return s.metric.type;
            if (path === 'resource.type') return s.resource.type;
            const [head, kind, key] = path.split('.');
            if (kind !== 'labels' || !key) return undefined;
            if (head === 'metric') return s.metric.labels[key];
            if (head === 'resource') return s.resource.labels[key];
            return undefined;
          },
          (_p, v) => v,
        ),
      )
      .map((s) => ({ ...s, points: s.points.filter((p) => p.at > from && p.at <= end) }))
      .filter((s) => s.points.length > 0);

    const aligner = aggregation?.perSeriesAligner ?? 'ALIGN_NONE';
    const reducer = aggregation?.crossSeriesReducer ?? 'REDUCE_NONE';
    if (aligner === 'ALIGN_NONE') {
      if (reducer !== 'REDUCE_NONE') throw new MonitoringError('a cross-series reducer needs an aligner');
      return selected.map((s) =>
        this.message(
          s,
          s.points.map((p) => ({ start: p.at - 60_000, end: p.at, value: p.value })),
        ),
      );
    }
    if (aligner !== 'ALIGN_DELTA' && aligner !== 'ALIGN_SUM')
      throw new MonitoringError(`per_series_aligner ${aligner} is not emulated`);
    const period = Number(aggregation?.alignmentPeriod?.seconds ?? 0) * 1000;
    if (!(period > 0)) throw new MonitoringError('alignment_period is required with an aligner');
    // Alignment windows end at end_time and go back by the period.
    const aligned = selected.map((s) => {
      const byWindow = new Map<number, number | number[]>();
      for (const p of s.points) {
        const k = Math.floor((end - p.at) / period);
        const prev = byWindow.get(k);
        byWindow.set(k, add(prev, p.value));
      }
      return { s, windows: byWindow };
    });
    let out: { s: Series; windows: Map<number, number | number[]> }[] = aligned;
    if (reducer === 'REDUCE_SUM') {
      const groupBy = aggregation?.groupByFields ?? [];
      const groups = new Map<string, { s: Series; windows: Map<number, number | number[]> }>();
      for (const a of aligned) {
        const pick = (head: 'metric' | 'resource') =>
          Object.fromEntries(
            groupBy
              .filter((f) => f.startsWith(`${head}.labels.`))
              .map((f) => [f.split('.')[2]!, a.s[head].labels[f.split('.')[2]!] ?? '']),
          );
        const metricLabels = pick('metric');
        const resourceLabels = pick('resource');
        const key = JSON.stringify([a.s.metric.type, metricLabels, resourceLabels]);
        let g = groups.get(key);
        if (!g) {
          g = {
            s: {
              ...a.s,
              metric: { type: a.s.metric.type, labels: metricLabels },
              resource: { type: a.s.resource.type, labels: resourceLabels },
            },
            windows: new Map(),
          };
          groups.set(key, g);
        }
        for (const [k, v] of a.windows) g.windows.set(k, add(g.windows.get(k), v));
      }
      out = [...groups.values()];
    } else if (reducer !== 'REDUCE_NONE') {
      throw new MonitoringError(`cross_series_reducer ${reducer} is not emulated`);
    }
    return out.map(({ s, windows }) =>
      this.message(
        s,
        [...windows.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([k, value]) => ({ start: end - (k + 1) * period, end: end - k * period, value })),
      ),
    );
  }

  private message(s: Series, points: { start: number; end: number; value: number | number[] }[]) {
    return {
      metric: s.metric,
      resource: s.resource,
      metricKind: 'DELTA',
      valueType: s.kind === 'int' ? 'INT64' : 'DISTRIBUTION',
      // Newest first, as the API returns them.
      points: points.map((p) => ({
        interval: { startTime: stamp(p.start), endTime: stamp(p.end) },
        value:
          s.kind === 'int'
            ? { int64Value: String(p.value) }
            : { distributionValue: distribution(p.value as number[]) },
      })),
    };
  }
}

function add(a: number | number[] | undefined, b: number | number[]): number | number[] {
  if (a === undefined) return b;
  if (typeof a === 'number') return a + (b as number);
  return a.concat(b as number[]);
}
