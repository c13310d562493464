/**
 * Deployment evidence of phase 3, the pure part: the Cloud Logging filter of a tested revision, log
 * entries grouped by message signature (the masking of test failures, from signature.ts), and the
 * correlation of this run's own entries (by trace, then span or suite time window) with the failure
 * clusters. The reads are in deployment-read.ts.
 */
import type { LogEntryInfo } from '../../adapters/observability/port.js';
import { normalizeMessage } from '../../clustering/signature.js';
import { findTraceparent } from '../../core/ids.js';
import type {
  CorrelatedEntry,
  EvidenceLink,
  FailureCluster,
  LogGroup,
  TimeWindow,
} from '../../phase-data/root-cause.js';
import type { SuiteResult } from '../../phase-data/run-tests.js';
import { SEVERITIES, type ServiceLogsConfig } from '../../playbook/sections/evidence.js';

const MAX_EXAMPLE_CHARS = 500;
/** Cloud Logging's severity order, from the playbook's one list (unknown names rank lowest). */
const severityRank = (s: string): number => (SEVERITIES as readonly string[]).indexOf(s);
/** Groups kept per revision (largest first); the rest are counted. */
export const MAX_GROUPS = 50;

const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** The Cloud Logging filter of a tested revision in a window (tdl's part, then the playbook's). */
export function revisionLogFilter(
  service: string,
  revision: string,
  window: TimeWindow,
  config: Pick<ServiceLogsConfig, 'severity' | 'filter'>,
): string {
  return [
    'resource.type="cloud_run_revision"',
    `resource.labels.service_name="${quote(service)}"`,
    `resource.labels.revision_name="${quote(revision)}"`,
    `timestamp>="${window.start}"`,
    `timestamp<="${window.end}"`,
    `severity>=${config.severity}`,
    ...(config.filter ? [`(${config.filter})`] : []),
  ].join(' AND ');
}

/** `projects/<p>/traces/<id>` or a bare id: the trace id, lower case. */
export function traceIdOf(trace: string | null): string | null {
  if (!trace) return null;
  return (trace.split('/traces/').pop() ?? '').trim().toLowerCase() || null;
}

/** The signature a log message is grouped by: the same masking as a failure message. */
export function logSignature(message: string): string {
  return normalizeMessage(message || '(empty message)');
}

/**
 * Groups entries by signature as they arrive (a read keeps groups, not entries). `redact` is applied
 * to the first line before it is masked, so a secret is matched whole before masking could cut it.
 */
export class LogGrouper {
  private readonly groups = new Map<string, LogGroup>();
  constructor(
    private readonly runTraceId: string,
    private readonly redact: (text: string) => string,
  ) {}

  add(e: LogEntryInfo): void {
    const newline = e.message.indexOf('\n');
    const line = this.redact(newline < 0 ? e.message : e.message.slice(0, newline));
    const signature = logSignature(line);
    let g = this.groups.get(signature);
    if (!g) {
      g = {
        signature,
        count: 0,
        severity: e.severity,
        first: e.timestamp,
        last: e.timestamp,
        example: line.length > MAX_EXAMPLE_CHARS ? `${line.slice(0, MAX_EXAMPLE_CHARS)}…` : line,
        sourceLocation: e.sourceLocation,
        trace: e.trace,
        spanId: e.spanId,
        correlated: 0,
      };
      this.groups.set(signature, g);
    }
    g.count += 1;
    if (isRunTrace(e.trace, this.runTraceId)) g.correlated += 1;
    if (e.severity !== g.severity && severityRank(e.severity) > severityRank(g.severity))
      g.severity = e.severity;
    if (e.timestamp < g.first) g.first = e.timestamp;
    if (e.timestamp > g.last) g.last = e.timestamp;
  }

  /** Largest group first. */
  result(): LogGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || a.first.localeCompare(b.first));
  }
}

/** True when an entry's trace (`projects/<p>/traces/<id>` or a bare id) is this run's. */
export function isRunTrace(trace: string | null, runTraceId: string): boolean {
  if (trace === null || trace.length < runTraceId.length) return false;
  // Most entries are of other traces: a plain trace (lower case, no spaces) of this run ends with its
  // id, so one that does not is told apart without splitting it (this runs once per entry read).
  if (!trace.endsWith(runTraceId) && PLAIN_TRACE.test(trace)) return false;
  return traceIdOf(trace) === runTraceId;
}

const PLAIN_TRACE = /^[a-z0-9/._:-]*$/;

/** Entries grouped by signature, largest group first (see LogGrouper). */
export function groupEntries(
  entries: readonly LogEntryInfo[],
  runTraceId: string,
  redact: (text: string) => string,
): LogGroup[] {
  const grouper = new LogGrouper(runTraceId, redact);
  for (const e of entries) grouper.add(e);
  return grouper.result();
}

/** The suite attempts of phase 2 with their span ids and time windows. */
export interface SuiteSpan {
  suiteId: string;
  attempt: number;
  spanId: string | null;
  startMs: number;
  endMs: number;
}

export function suiteSpans(suites: readonly Pick<SuiteResult, 'id' | 'attempts'>[]): SuiteSpan[] {
  return suites.flatMap((s) =>
    s.attempts.map((a) => {
      const startMs = Date.parse(a.startedAt);
      return {
        suiteId: s.id,
        attempt: a.attempt,
        spanId: a.spanId ?? null,
        startMs,
        endMs: startMs + a.durationMs,
      };
    }),
  );
}

/** A test that named its own span of this run's trace in its report (TestCase.traceparent). */
export interface TestSpan {
  suiteId: string;
  group: string;
  name: string;
  spanId: string;
}

/** The tests of phase 2's reports that name a span of this run's trace, by span id. */
export function testSpans(
  suites: readonly Pick<SuiteResult, 'id' | 'cases'>[],
  runTraceId: string,
): Map<string, TestSpan> {
  const spans = new Map<string, TestSpan>();
  for (const s of suites)
    for (const c of s.cases ?? []) {
      const own = findTraceparent(c.traceparent);
      if (own && own.traceId === runTraceId)
        spans.set(own.spanId, { suiteId: s.id, group: c.suite, name: c.name, spanId: own.spanId });
    }
  return spans;
}

/**
 * The suite attempt an entry of this run's trace came from: the attempt whose span id it carries
 * (the test propagated its TRACEPARENT as is), else the only attempt running at its time. Null when
 * neither says (two suites ran at once): then it is not attached to any cluster.
 */
export function attemptOf(
  entry: Pick<LogEntryInfo, 'spanId' | 'timestamp'>,
  spans: readonly SuiteSpan[],
): { span: SuiteSpan; via: 'span' | 'time' } | null {
  const bySpan = entry.spanId ? spans.find((s) => s.spanId === entry.spanId?.toLowerCase()) : undefined;
  if (bySpan) return { span: bySpan, via: 'span' };
  const at = Date.parse(entry.timestamp);
  const running = spans.filter((s) => at >= s.startMs && at <= s.endMs);
  return running.length === 1 ? { span: running[0]!, via: 'time' } : null;
}

/** Entries of this run's trace kept in the record at most. */
const MAX_CORRELATED = 200;
/** Evidence links added to one cluster at most. */
const MAX_LINKS_PER_CLUSTER = 3;

export interface Correlation {
  correlated: CorrelatedEntry[];
  dropped: number;
  otherEntries: number;
  correlatedTests: number;
  ownSpanTests: number;
  failingTests: number;
}

/**
 * Entries of this run's trace, attached to the clusters they came from: an entry carrying the span a
 * test named as its own goes to that test's cluster only (a passing test's entry to none); any other
 * to the clusters of the suite attempt it came from. A failing test counts as correlated when an entry
 * carries its own span, or, for a test that named no span, when its suite got an entry not claimed
 * by a test.
 */
export function correlate(
  reads: readonly {
    service: string;
    revision: string;
    entries: readonly LogEntryInfo[];
    /** Entries of other traces already counted (not handed over). */
    others?: number;
  }[],
  runTraceId: string,
  spans: readonly SuiteSpan[],
  clusters: readonly FailureCluster[],
  redact: (text: string) => string,
  tests: ReadonlyMap<string, TestSpan> = new Map(),
): Correlation {
  const correlated: CorrelatedEntry[] = [];
  let dropped = 0;
  let otherEntries = 0;
  const suitesWithEntries = new Set<string>();
  const testKey = (suiteId: string, group: string, name: string) => `${suiteId}\u0000${group}\u0000${name}`;
  const testsWithEntries = new Set<string>();
  const testsWithSpans = new Set([...tests.values()].map((t) => testKey(t.suiteId, t.group, t.name)));
  for (const read of reads) {
    otherEntries += read.others ?? 0;
    for (const e of read.entries) {
      if (traceIdOf(e.trace) !== runTraceId) {
        otherEntries += 1;
        continue;
      }
      const test = e.spanId ? tests.get(e.spanId.toLowerCase()) : undefined;
      const found = attemptOf(e, spans);
      const suiteId = test?.suiteId ?? found?.span.suiteId ?? null;
      if (test) testsWithEntries.add(testKey(test.suiteId, test.group, test.name));
      else if (suiteId) suitesWithEntries.add(suiteId);
      if (correlated.length >= MAX_CORRELATED) {
        dropped += 1;
        continue;
      }
      correlated.push({
        service: read.service,
        revision: read.revision,
        timestamp: e.timestamp,
        severity: e.severity,
        message: redact(e.message.split('\n')[0]!.slice(0, MAX_EXAMPLE_CHARS)),
        sourceLocation: e.sourceLocation,
        trace: e.trace!,
        spanId: e.spanId,
        suiteId,
        attempt: found && found.span.suiteId === suiteId ? found.span.attempt : null,
        via: test ? 'test' : (found?.via ?? null),
        ...(test ? { test: { group: test.group, name: test.name } } : {}),
        clusterIds: test
          ? clusters
              .filter((c) =>
                c.tests.some(
                  (t) => t.suiteId === test.suiteId && t.group === test.group && t.name === test.name,
                ),
              )
              .map((c) => c.id)
          : suiteId
            ? clusters.filter((c) => c.tests.some((t) => t.suiteId === suiteId)).map((c) => c.id)
            : [],
      });
    }
  }
  const failing = clusters.flatMap((c) => c.tests);
  const keys = failing.map((t) => ({ t, key: testKey(t.suiteId, t.group, t.name) }));
  return {
    correlated,
    dropped,
    otherEntries,
    failingTests: failing.length,
    correlatedTests: keys.filter(({ t, key }) =>
      testsWithSpans.has(key) ? testsWithEntries.has(key) : suitesWithEntries.has(t.suiteId),
    ).length,
    ownSpanTests: keys.filter(({ key }) => testsWithEntries.has(key)).length,
  };
}

function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z_][a-z0-9_]{2,}/g) ?? []);
}

const VIA_TEXT: Record<NonNullable<CorrelatedEntry['via']>, string> = {
  test: "the test's own span",
  span: "the suite's own span",
  time: 'the only suite running then',
};

/** The evidence links of a cluster: "error logged by revision R during this test", one per distinct message. */
export function revisionLogLinks(
  cluster: FailureCluster,
  correlated: readonly CorrelatedEntry[],
): EvidenceLink[] {
  // An entry is attached by its suite attempt; within a suite, the entries closest to this cluster's
  // message come first (then the latest attempt, whose result stands).
  const words = wordsOf(cluster.message);
  const score = (e: CorrelatedEntry) => [...wordsOf(e.message)].filter((w) => words.has(w)).length;
  const mine = correlated
    .filter((e) => e.clusterIds.includes(cluster.id))
    .map((e) => ({ e, score: score(e) }))
    .sort((a, b) => b.score - a.score || (b.e.attempt ?? 0) - (a.e.attempt ?? 0))
    .map((x) => x.e);
  const seen = new Set<string>();
  const links: EvidenceLink[] = [];
  for (const e of mine) {
    const key = `${e.revision}\u0000${logSignature(e.message)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (links.length >= MAX_LINKS_PER_CLUSTER) break;
    links.push({
      kind: 'revision-log',
      value: `${e.severity} logged by revision ${e.revision} during ${e.test ? `test \`${e.test.name}\` (suite \`${e.suiteId}\`)` : `suite \`${e.suiteId}\` (attempt ${e.attempt})`} at ${e.timestamp}: ${e.message}${e.sourceLocation ? ` (${e.sourceLocation})` : ''}`,
      source: `Cloud Logging, ${e.service}, trace ${e.trace}${e.spanId ? `, span ${e.spanId}` : ''} (${VIA_TEXT[e.via ?? 'time']})`,
    });
  }
  const more = mine.length - links.length;
  if (links.length && more > 0)
    links[links.length - 1]!.value += ` (+${more} more entr${more === 1 ? 'y' : 'ies'} of this run's trace)`;
  return links;
}
