/** Deployment evidence, pure parts: the filter, grouping, correlation, links, metric bands, criteria. */
import { describe, expect, it } from 'vitest';
import type { LogEntryInfo } from '../../src/adapters/observability/port.js';
import type { PhaseResult } from '../../src/core/record.js';
import { type DecisionInput, deploymentHealthy, noNewErrors } from '../../src/decision/criteria.js';
import { errorRate, judge, type Measured, percentile } from '../../src/decision/slo.js';
import type { DeploymentEvidence, FailureCluster, ServiceLogs } from '../../src/phase-data/root-cause.js';
import {
  attemptOf,
  correlate,
  groupEntries,
  isRunTrace,
  revisionLogFilter,
  revisionLogLinks,
  type SuiteSpan,
  testSpans,
} from '../../src/phases/3-root-cause/deployment.js';
import { correlationText } from '../../src/phases/3-root-cause/section-deployment.js';
import { decisionSchema } from '../../src/playbook/sections/decision.js';
import { parseBound } from '../../src/playbook/sections/evidence.js';
import { Redactor } from '../../src/telemetry/redact.js';
import { phaseEntry } from '../builders/run.js';

const RUN = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
const window = { start: '2026-03-01T10:00:00.000Z', end: '2026-03-01T10:10:00.000Z' };

const entry = (over: Partial<LogEntryInfo>): LogEntryInfo => ({
  timestamp: '2026-03-01T10:01:00.000Z',
  severity: 'ERROR',
  message: 'boom',
  trace: null,
  spanId: null,
  sourceLocation: null,
  ...over,
});

const cluster = (id: string, suiteId: string, message: string): FailureCluster => ({
  id,
  signature: id,
  title: message,
  message,
  tier: 1,
  tests: [{ suiteId, group: 'g', name: `${id} test`, status: 'failed' }],
  location: null,
});

describe('revisionLogFilter', () => {
  it("names the revision, the window and the severity, and ANDs the playbook's filter in parentheses", () => {
    expect(revisionLogFilter('api', 'api-00002-x', window, { severity: 'ERROR', filter: 'a OR b' })).toBe(
      'resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND resource.labels.revision_name="api-00002-x" AND timestamp>="2026-03-01T10:00:00.000Z" AND timestamp<="2026-03-01T10:10:00.000Z" AND severity>=ERROR AND (a OR b)',
    );
  });
});

describe('isRunTrace', () => {
  it("tells this run's trace from others, however the trace is written", () => {
    const yes = [
      `projects/p/traces/${RUN}`,
      RUN,
      `projects/p/traces/${RUN.toUpperCase()}`,
      ` projects/p/traces/${RUN} `,
    ];
    const no = [
      `projects/p/traces/${OTHER}`,
      `projects/p/traces/0${RUN}`,
      `projects/p/traces/${RUN}/traces/${OTHER}`,
      `projects/p/traces/${OTHER.toUpperCase()}`,
      `projects/p/traces/${RUN} x`,
      RUN.slice(1),
      '',
      null,
    ];
    for (const t of yes) expect(isRunTrace(t, RUN), String(t)).toBe(true);
    for (const t of no) expect(isRunTrace(t, RUN), String(t)).toBe(false);
  });
});

describe('groupEntries', () => {
  const redactor = new Redactor([]);
  it('groups by the masked message, counts, keeps first/last, the highest severity and the correlated count', () => {
    const groups = groupEntries(
      [
        entry({
          message: 'order 17 failed after 250 ms',
          timestamp: '2026-03-01T10:03:00.000Z',
          trace: `projects/p/traces/${RUN}`,
        }),
        entry({
          message: 'order 18 failed after 90 ms',
          timestamp: '2026-03-01T10:01:00.000Z',
          severity: 'CRITICAL',
        }),
        entry({ message: 'disk full', timestamp: '2026-03-01T10:02:00.000Z' }),
        entry({
          message: 'order 19 failed after 1 ms',
          timestamp: '2026-03-01T10:05:00.000Z',
          trace: `projects/p/traces/${OTHER}`,
        }),
      ],
      RUN,
      (t) => redactor.redact(t),
    );
    expect(groups.map((g) => [g.signature, g.count, g.severity, g.first, g.last, g.correlated])).toEqual([
      [
        'order <n> failed after <n> ms',
        3,
        'CRITICAL',
        '2026-03-01T10:01:00.000Z',
        '2026-03-01T10:05:00.000Z',
        1,
      ],
      ['disk full', 1, 'ERROR', '2026-03-01T10:02:00.000Z', '2026-03-01T10:02:00.000Z', 0],
    ]);
    expect(groups[0]!.example).toBe('order 17 failed after 250 ms');
  });

  it('redacts the example it keeps (tokens inside log payloads)', () => {
    const [g] = groupEntries(
      [
        entry({
          message:
            'upstream said 401 to Authorization: Bearer s3cr3t-t0ken-value ghp_abcdefghijklmnopqrstuvwxyz0123',
        }),
      ],
      RUN,
      (t) => new Redactor([]).redact(t),
    );
    expect(g!.example).not.toContain('s3cr3t-t0ken-value');
    expect(g!.example).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123');
    expect(g!.example).toContain('[REDACTED]');
  });
});

describe('correlation', () => {
  const spans: SuiteSpan[] = [
    {
      suiteId: 'critical',
      attempt: 1,
      spanId: '1111111111111111',
      startMs: Date.parse('2026-03-01T10:01:00Z'),
      endMs: Date.parse('2026-03-01T10:02:00Z'),
    },
    {
      suiteId: 'api',
      attempt: 1,
      spanId: '2222222222222222',
      startMs: Date.parse('2026-03-01T10:01:30Z'),
      endMs: Date.parse('2026-03-01T10:03:00Z'),
    },
  ];

  it('finds the suite attempt by its span, else by the only attempt running then, else none', () => {
    expect(attemptOf({ spanId: '2222222222222222', timestamp: '2026-03-01T10:01:10Z' }, spans)).toMatchObject(
      { span: { suiteId: 'api' }, via: 'span' },
    );
    expect(attemptOf({ spanId: 'ffffffffffffffff', timestamp: '2026-03-01T10:01:10Z' }, spans)).toMatchObject(
      { span: { suiteId: 'critical' }, via: 'time' },
    );
    // Both suites ran at 10:01:45: not attributable, so not attached anywhere.
    expect(attemptOf({ spanId: null, timestamp: '2026-03-01T10:01:45Z' }, spans)).toBeNull();
  });

  it("attaches only this run's trace, to the clusters of the entry's own suite, and states the rate", () => {
    const clusters = [
      cluster('c1', 'critical', 'missing field "tool_name"'),
      cluster('c2', 'api', 'status 500'),
    ];
    const c = correlate(
      [
        {
          service: 'api',
          revision: 'api-2',
          entries: [
            entry({
              message: 'event dropped: missing field "tool_name"',
              trace: `projects/p/traces/${RUN}`,
              spanId: '1111111111111111',
            }),
            entry({
              message: 'someone else',
              trace: `projects/p/traces/${OTHER}`,
              spanId: '1111111111111111',
            }),
            entry({ message: 'no trace at all' }),
          ],
        },
      ],
      RUN,
      spans,
      clusters,
      (t) => t,
    );
    expect(c.correlated).toHaveLength(1);
    expect(c.correlated[0]).toMatchObject({ suiteId: 'critical', via: 'span', clusterIds: ['c1'] });
    expect(c).toMatchObject({ otherEntries: 2, failingTests: 2, correlatedTests: 1 });
    const links1 = revisionLogLinks(clusters[0]!, c.correlated);
    expect(links1).toHaveLength(1);
    expect(links1[0]!.kind).toBe('revision-log');
    expect(links1[0]!.value).toContain('event dropped: missing field "tool_name"');
    expect(revisionLogLinks(clusters[1]!, c.correlated)).toEqual([]);
  });

  it("attaches an entry carrying a test's own span to that test's cluster only, and counts per test", () => {
    // Two failing tests of one suite, each in its own cluster; the first named its span in its report.
    const c1: FailureCluster = {
      ...cluster('c1', 'critical', 'missing field "tool_name"'),
      tests: [{ suiteId: 'critical', group: 'g', name: 'emits tool_name', status: 'failed' }],
    };
    const c2: FailureCluster = {
      ...cluster('c2', 'critical', 'timeout'),
      tests: [{ suiteId: 'critical', group: 'g', name: 'reconnects', status: 'failed' }],
    };
    const tests = testSpans(
      [
        {
          id: 'critical',
          cases: [
            {
              suite: 'g',
              name: 'emits tool_name',
              status: 'failed',
              durationMs: 1,
              traceparent: `00-${RUN}-3333333333333333-01`,
            },
            // A passing test's span: its entries belong to no cluster.
            {
              suite: 'g',
              name: 'lists events',
              status: 'passed',
              durationMs: 1,
              traceparent: `00-${RUN}-4444444444444444-01`,
            },
            // Another run's trace: ignored.
            {
              suite: 'g',
              name: 'reconnects',
              status: 'failed',
              durationMs: 1,
              traceparent: `00-${OTHER}-5555555555555555-01`,
            },
          ],
        },
      ],
      RUN,
    );
    expect([...tests.keys()]).toEqual(['3333333333333333', '4444444444444444']);
    const read = (spanId: string, message: string) =>
      entry({ message, trace: `projects/p/traces/${RUN}`, spanId, timestamp: '2026-03-01T10:01:10Z' });
    const c = correlate(
      [
        {
          service: 'api',
          revision: 'api-2',
          entries: [
            read('3333333333333333', 'event dropped: missing field "tool_name"'),
            read('4444444444444444', 'cache miss'),
          ],
        },
      ],
      RUN,
      spans,
      [c1, c2],
      (t) => t,
      tests,
    );
    expect(c.correlated.map((e) => [e.via, e.test?.name ?? null, e.clusterIds])).toEqual([
      ['test', 'emits tool_name', ['c1']],
      ['test', 'lists events', []],
    ]);
    expect(c.correlated[0]).toMatchObject({ suiteId: 'critical', attempt: 1 });
    // "reconnects" named no span of this run: the suite had no entry outside the tests' own spans.
    expect(c).toMatchObject({ failingTests: 2, correlatedTests: 1 });
    const [link] = revisionLogLinks(c1, c.correlated);
    expect(link!.value).toContain('during test `emits tool_name` (suite `critical`)');
    expect(link!.source).toContain("the test's own span");
    expect(revisionLogLinks(c2, c.correlated)).toEqual([]);
  });

  it('puts the entry closest to the cluster message first among its suite entries', () => {
    const cl = cluster('c1', 'critical', 'missing field "duration" in tool_completed event');
    const links = revisionLogLinks(cl, [
      {
        service: 's',
        revision: 'r',
        timestamp: 't',
        severity: 'ERROR',
        message: 'session cache cold',
        sourceLocation: null,
        trace: 'x',
        spanId: null,
        suiteId: 'critical',
        attempt: 2,
        via: 'span',
        clusterIds: ['c1'],
      },
      {
        service: 's',
        revision: 'r',
        timestamp: 't',
        severity: 'ERROR',
        message: 'tool_completed has no numeric duration',
        sourceLocation: null,
        trace: 'x',
        spanId: null,
        suiteId: 'critical',
        attempt: 1,
        via: 'span',
        clusterIds: ['c1'],
      },
    ]);
    expect(links[0]!.value).toContain('tool_completed has no numeric duration');
  });

  it('says "not measured" when no log was read, never 0%', () => {
    const e = {
      correlation: { failingTests: 3, correlatedTests: 0, rate: null, otherEntries: 0 },
      logs: [],
      correlated: [],
    } as unknown as DeploymentEvidence;
    expect(correlationText(e)).toMatch(/not measured/);
  });
});

describe('metric bands', () => {
  it('parses bounds: absolute ratio, milliseconds, seconds, relative; rejects others', () => {
    expect(parseBound('< 1%')).toMatchObject({ op: '<', value: 0.01, unit: 'ratio', relative: false });
    expect(parseBound('<= 800ms')).toMatchObject({ op: '<=', value: 800, unit: 'ms' });
    expect(parseBound('< 1.2s')).toMatchObject({ value: 1200, unit: 'ms' });
    expect(parseBound('<= +10%')).toMatchObject({ value: 0.1, relative: true });
    expect(parseBound('> 1%')).toBeUndefined();
    expect(parseBound('<= +10ms')).toBeUndefined();
  });

  it('computes percentiles inside buckets, and null (not 0) for no data', () => {
    const d = { count: 100, bucketCounts: [0, 90, 10], bounds: [1, 100, 1000] };
    expect(percentile(d, 0.5)).toBeCloseTo(1 + 99 * (50 / 90));
    expect(percentile(d, 0.95)).toBeCloseTo(100 + 900 * 0.5);
    expect(percentile(null, 0.5)).toBeNull();
    expect(percentile({ count: 0, bucketCounts: [], bounds: [] }, 0.5)).toBeNull();
    expect(errorRate({})).toEqual({ rate: null, total: 0, errors: 0 });
    expect(errorRate({ '2xx': 95, '5xx': 5 }).rate).toBeCloseTo(0.05);
  });

  const m = (over: Partial<Measured>): Measured => ({
    service: 'frontend',
    revision: 'f-2',
    indicator: 'error-rate',
    value: 0.048,
    window,
    ...over,
  });
  const band = (pass: string, warning?: string) => ({
    pass: parseBound(pass)!,
    ...(warning ? { warning: parseBound(warning)! } : {}),
  });

  it.each([
    [
      'fail with the value and bound',
      m({}),
      band('< 1%'),
      'fail',
      /^frontend: 5xx 4\.8% > 1% \(bound < 1%; window 2026/,
    ],
    [
      'warning inside the warning bound',
      m({ value: 0.015 }),
      band('< 1%', '< 2%'),
      'warning',
      /warning: within < 2%/,
    ],
    ['pass', m({ value: 0.001 }), band('< 1%'), 'pass', /5xx 0\.10% within < 1%/],
    [
      'no data is inconclusive',
      m({ value: null, noData: 'f-2 served no request in the window' }),
      band('< 1%'),
      'inconclusive',
      /no data: f-2 served no request/,
    ],
    [
      'relative, baseline without data',
      m({ indicator: 'p95', value: 300, baseline: { revision: 'f-1', value: null } }),
      band('<= +10%'),
      'inconclusive',
      /serving revision f-1 has no data/,
    ],
    [
      'relative, no baseline revision',
      m({ indicator: 'p95', value: 300, noBaseline: 'f-2 is the only revision serving traffic' }),
      band('<= +10%'),
      'inconclusive',
      /no serving revision to compare with/,
    ],
    [
      'relative, over the baseline',
      m({ indicator: 'p95', value: 300, baseline: { revision: 'f-1', value: 250 } }),
      band('<= +10%'),
      'fail',
      /p95 300ms > 275ms/,
    ],
    [
      'relative, within',
      m({ indicator: 'p99', value: 260, baseline: { revision: 'f-1', value: 250 } }),
      band('<= +10%'),
      'pass',
      /within <= \+10% of f-1's 250ms/,
    ],
  ])('%s', (_name, measured, b, verdict, text) => {
    const v = judge(measured, b);
    expect(v.verdict).toBe(verdict);
    expect(v.text).toMatch(text);
    expect(v.window).toEqual(window);
  });
});

describe('criteria', () => {
  const deployResult = (verdicts: Record<string, 'pass' | 'fail'>): PhaseResult =>
    phaseEntry('deploy-status', {
      data: {
        services: Object.entries(verdicts).map(([name, verdict]) => ({
          name,
          verdict,
          reason: 'ready',
          url: null,
          latestReadyRevision: null,
          latestCreatedRevision: null,
        })),
      },
    });
  const logs = (over: Partial<ServiceLogs>): ServiceLogs => ({
    service: 'api',
    revision: 'api-2',
    window,
    filter: '',
    state: 'read',
    reason: '',
    entries: 1,
    pages: 1,
    truncated: false,
    groups: [],
    baseline: null,
    ...over,
  });
  const input = (evidence: Partial<DeploymentEvidence> | null, sloServices: string[] = []): DecisionInput =>
    ({
      config: decisionSchema.parse({}),
      deploy: { configured: true, result: deployResult({ api: 'pass', web: 'pass' }) },
      evidence: {
        result: phaseEntry('root-cause'),
        data: evidence ? ({ slo: [], logs: [], ...evidence } as DeploymentEvidence) : null,
      },
      sloServices,
    }) as unknown as DecisionInput;

  it('deployment-healthy fails on a Ready revision outside its band, the band line first', () => {
    const r = deploymentHealthy(
      input(
        {
          slo: [
            judge(
              { service: 'web', revision: 'w-2', indicator: 'error-rate', value: 0.048, window },
              { pass: parseBound('< 1%')! },
            ),
          ],
        },
        ['web'],
      ),
    );
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toMatch(/^web: 5xx 4\.8% > 1%/);
  });

  it('deployment-healthy is inconclusive when bands are configured and not measured, and a warning does not block', () => {
    expect(deploymentHealthy(input(null, ['web'])).verdict).toBe('inconclusive');
    const warn = judge(
      { service: 'web', revision: 'w-2', indicator: 'error-rate', value: 0.015, window },
      { pass: parseBound('< 1%')!, warning: parseBound('< 2%')! },
    );
    expect(deploymentHealthy(input({ slo: [warn] }, ['web'])).verdict).toBe('pass');
  });

  it('no-new-errors: fail on a new signature, inconclusive without a baseline or a read, pass otherwise', () => {
    const baseline = { ...logs({ revision: 'api-1' }), why: 'serving' };
    expect(noNewErrors(input({ logs: [logs({ baseline, newSignatures: ['boom <n>'] })] })).verdict).toBe(
      'fail',
    );
    expect(noNewErrors(input({ logs: [logs({ baseline, newSignatures: [] })] })).verdict).toBe('pass');
    expect(noNewErrors(input({ logs: [logs({ noBaseline: 'only revision' })] })).verdict).toBe(
      'inconclusive',
    );
    const denied = noNewErrors(
      input({
        logs: [
          logs({ state: 'unavailable', reason: 'permission denied', hint: 'grant roles/logging.viewer' }),
        ],
      }),
    );
    expect(denied.verdict).toBe('inconclusive');
    expect(denied.evidence[0]).toContain('roles/logging.viewer');
    expect(noNewErrors(input(null)).verdict).toBe('inconclusive');
  });
});
