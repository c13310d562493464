/**
 * The Cloud Logging and Cloud Monitoring emulators through the real clients over loopback: entries
 * written with `@google-cloud/logging` are read back by tdl's LogsPort (filter, paging, bounds), request
 * metrics through `@google-cloud/monitoring` by the MetricsPort; errors map to our kinds.
 */
import { Logging } from '@google-cloud/logging';
import * as gax from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogsPort, createMetricsPort, ENTRY_FIELDS } from '../../src/adapters/observability/index.js';
import type { LogEntryInfo, LogsPort, MetricsPort } from '../../src/adapters/observability/port.js';
import { logSignature } from '../../src/phases/3-root-cause/deployment.js';
import type { GcpConfig } from '../../src/playbook/sections/cloudrun.js';
import { type LoggingEmulator, startLoggingEmulator } from '../../src/sandbox/logging/emulator.js';
import { type MonitoringEmulator, startMonitoringEmulator } from '../../src/sandbox/monitoring/emulator.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const gcp: GcpConfig = {
  project: 'obs-proj',
  region: 'us-central1',
  callTimeout: 3000,
  retries: 0,
  backoff: 10,
  pollInterval: 10,
};
/** Lists through the port and keeps what it visited. */
async function listAll(port: LogsPort, query: Parameters<LogsPort['list']>[0]) {
  const entries: LogEntryInfo[] = [];
  const read = await port.list(query, (e) => entries.push(e));
  expect(read.entries).toBe(entries.length);
  return { ...read, entries };
}
/** The library's own LoggingServiceV2 client, as the port calls it. */
interface RawService {
  listLogEntries(request: object, options: object): Promise<[Record<string, unknown>[], unknown, unknown]>;
  close(): Promise<void>;
}
const revisionFilter = (rev: string) =>
  `resource.type="cloud_run_revision" AND resource.labels.revision_name="${rev}" AND timestamp>="${new Date(T0).toISOString()}" AND severity>=ERROR`;

describe('Cloud Logging emulator', () => {
  let emulator: LoggingEmulator;
  let port: LogsPort;
  beforeAll(async () => {
    emulator = await startLoggingEmulator({ project: 'obs-proj' });
    port = await createLogsPort(gcp, emulator.endpoint);
  });
  afterAll(async () => {
    await port.close();
    await emulator.close();
  });

  it("stores entries written by the real client and returns the revision's errors, oldest first", async () => {
    const [host, p] = emulator.endpoint.split(':');
    const writer = new Logging({
      projectId: 'obs-proj',
      apiEndpoint: host!,
      port: Number(p),
      sslCreds: gax.grpc.credentials.createInsecure(),
      authClient: new gax.googleAuthLibrary.PassThroughClient(),
    } as never);
    const log = writer.log('run.googleapis.com%2Fstderr');
    const resource = {
      type: 'cloud_run_revision',
      labels: { service_name: 'api', revision_name: 'api-00002-abc', location: 'us-central1' },
    };
    await log.write(
      [
        log.entry(
          {
            severity: 'ERROR',
            timestamp: new Date(T0 + 2000),
            trace: 'projects/obs-proj/traces/aaaa',
            spanId: '00f067aa0ba902b7',
            sourceLocation: { file: 'src/handler.js', line: 42, function: 'handle' },
          },
          { message: 'order 1234 failed: upstream timeout' },
        ),
        log.entry({ severity: 'INFO', timestamp: new Date(T0 + 1000) }, 'started'),
        log.entry({ severity: 'CRITICAL', timestamp: new Date(T0 + 1500) }, 'disk full'),
      ],
      { resource },
    );
    await writer.log('other').write(log.entry({ severity: 'ERROR', timestamp: new Date(T0) }, 'x'), {
      resource: { type: 'cloud_run_revision', labels: { revision_name: 'api-00001-old' } },
    });
    await (writer as unknown as { loggingService: { close(): Promise<void> } }).loggingService.close();

    const read = await listAll(port, {
      filter: revisionFilter('api-00002-abc'),
      pageSize: 100,
      maxPages: 5,
      maxEntries: 100,
      callTimeoutMs: 3000,
    });
    expect(read.truncated).toBe(false);
    expect(read.entries.map((e) => [e.severity, e.message])).toEqual([
      ['CRITICAL', 'disk full'],
      ['ERROR', 'order 1234 failed: upstream timeout'],
    ]);
    expect(read.entries[1]).toMatchObject({
      trace: 'projects/obs-proj/traces/aaaa',
      spanId: '00f067aa0ba902b7',
      sourceLocation: 'src/handler.js:42 in handle',
      timestamp: new Date(T0 + 2000).toISOString(),
    });
    // The read asked only for the fields it keeps (the X-Goog-FieldMask system parameter).
    expect(emulator.state.calls.at(-1)).toMatchObject({ method: 'ListLogEntries', fieldMask: ENTRY_FIELDS });
  });

  it('answers only the fields an X-Goog-FieldMask names, through the real client; a malformed mask is refused', async () => {
    emulator.state.add([
      {
        service: 'mask',
        revision: 'mask-00001-aaa',
        json: { message: 'boom', stack: 'Error: boom' },
        at: T0 + 5,
        trace: 'projects/obs-proj/traces/bbbb',
      },
    ]);
    const [host, p] = emulator.endpoint.split(':');
    const client = new Logging({
      projectId: 'obs-proj',
      apiEndpoint: host!,
      port: Number(p),
      sslCreds: gax.grpc.credentials.createInsecure(),
      authClient: new gax.googleAuthLibrary.PassThroughClient(),
    } as never);
    const service = (client as unknown as { loggingService: RawService }).loggingService;
    const request = { resourceNames: ['projects/obs-proj'], filter: revisionFilter('mask-00001-aaa') };
    const withMask = (mask: string) => ({
      retry: null,
      otherArgs: { headers: { 'x-goog-fieldmask': mask } },
    });
    try {
      const [whole] = await service.listLogEntries(request, { retry: null });
      expect(whole[0]).toMatchObject({
        logName: expect.stringContaining('projects/obs-proj/logs/'),
        resource: { type: 'cloud_run_revision' },
        jsonPayload: { fields: { message: { stringValue: 'boom' } } },
      });
      const [masked] = await service.listLogEntries(request, withMask('entries(severity,trace)'));
      // The client fills absent fields with their defaults: what the mask left out is empty.
      expect(masked[0]).toMatchObject({
        severity: 'ERROR',
        trace: 'projects/obs-proj/traces/bbbb',
        logName: '',
        resource: null,
        timestamp: null,
      });
      expect(masked[0]!.jsonPayload).toBeUndefined();
      const bad = await service
        .listLogEntries(request, withMask('entries(severity'))
        .catch((e: unknown) => e);
      expect(bad).toMatchObject({ code: 3, details: expect.stringContaining('Invalid field mask') });
    } finally {
      await service.close();
    }
  });

  it('reads a request log entry (no payload) as its request line, without the query string', async () => {
    emulator.state.add([
      {
        service: 'req',
        revision: 'req-00001-aaa',
        at: T0 + 5,
        httpRequest: {
          status: 503,
          requestMethod: 'POST',
          requestUrl: 'https://req-abc-uc.a.run.app/api/events/4711?access_token=tdl-secret-1234#x',
        },
      },
      { service: 'req', revision: 'req-00001-aaa', at: T0 + 6, message: 'boom' },
    ]);
    const all = await listAll(port, {
      filter: revisionFilter('req-00001-aaa'),
      pageSize: 10,
      maxPages: 10,
      maxEntries: 100,
      callTimeoutMs: 3000,
    });
    expect(all.entries.map((e) => e.message)).toEqual(['HTTP 503 POST /api/events/4711', 'boom']);
    // Grouped with the other requests of its route, not under "(empty message)".
    expect(logSignature(all.entries[0]!.message)).toBe(logSignature('HTTP 503 POST /api/events/815'));
  });

  it('pages, and stops at the page bound saying so', async () => {
    emulator.state.add(
      Array.from({ length: 25 }, (_, i) => ({
        service: 'big',
        revision: 'big-00001-aaa',
        message: `boom ${i}`,
        at: T0 + i * 10,
      })),
    );
    const all = await listAll(port, {
      filter: revisionFilter('big-00001-aaa'),
      pageSize: 10,
      maxPages: 10,
      maxEntries: 1000,
      callTimeoutMs: 3000,
    });
    expect(all).toMatchObject({ pages: 3, truncated: false });
    expect(all.entries.map((e) => e.message)).toEqual(Array.from({ length: 25 }, (_, i) => `boom ${i}`));
    const bounded = await listAll(port, {
      filter: revisionFilter('big-00001-aaa'),
      pageSize: 10,
      maxPages: 2,
      maxEntries: 1000,
      callTimeoutMs: 3000,
    });
    expect(bounded).toMatchObject({ pages: 2, truncated: true });
    expect(bounded.entries).toHaveLength(20);
  });

  it('maps a permission error to the role to grant, and a bad filter to an invalid query', async () => {
    emulator.state.injectError({ code: 'PERMISSION_DENIED', method: 'ListLogEntries', times: 1 });
    const denied = await listAll(port, {
      filter: revisionFilter('x'),
      pageSize: 10,
      maxPages: 1,
      maxEntries: 10,
      callTimeoutMs: 3000,
    }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ kind: 'permission', api: 'logging' });
    expect((denied as Error & { hint: string }).hint).toContain('roles/logging.viewer');
    const bad = await listAll(port, {
      filter: 'severity>=ERROR AND (',
      pageSize: 10,
      maxPages: 1,
      maxEntries: 10,
      callTimeoutMs: 3000,
    }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'invalid' });
  });
});

describe('Cloud Monitoring emulator', () => {
  let emulator: MonitoringEmulator;
  let port: MetricsPort;
  beforeAll(async () => {
    emulator = await startMonitoringEmulator({ project: 'obs-proj' });
    port = await createMetricsPort(gcp, emulator.endpoint);
  });
  afterAll(async () => {
    await port.close();
    await emulator.close();
  });
  const window = {
    service: 'api',
    revision: 'api-00002-abc',
    startMs: T0,
    endMs: T0 + 600_000,
    callTimeoutMs: 3000,
  };

  it('sums request counts by response code class over the window, through ListTimeSeries aggregation', async () => {
    emulator.state.addRequests([
      { service: 'api', revision: 'api-00002-abc', at: T0 + 60_000, count: 50, codeClass: '2xx' },
      { service: 'api', revision: 'api-00002-abc', at: T0 + 120_000, count: 45, codeClass: '2xx' },
      { service: 'api', revision: 'api-00002-abc', at: T0 + 120_000, count: 5, codeClass: '5xx' },
      // Outside the window, and another revision: not counted.
      { service: 'api', revision: 'api-00002-abc', at: T0 + 700_000, count: 99, codeClass: '5xx' },
      { service: 'api', revision: 'api-00001-old', at: T0 + 60_000, count: 7, codeClass: '5xx' },
    ]);
    expect(await port.requestCounts(window)).toEqual({ '2xx': 95, '5xx': 5 });
  });

  it('merges the latency distributions of the window', async () => {
    emulator.state.addRequests([
      { service: 'lat', revision: 'lat-1', at: T0 + 1000, count: 90, latencyMs: 100 },
      { service: 'lat', revision: 'lat-1', at: T0 + 2000, count: 10, latencyMs: 2000, codeClass: '5xx' },
    ]);
    const d = await port.latencies({ ...window, service: 'lat', revision: 'lat-1' });
    expect(d?.count).toBe(100);
    expect(d?.bucketCounts.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('says "no data" as an empty answer, never as zero requests', async () => {
    const none = { ...window, service: 'ghost', revision: 'ghost-1' };
    expect(await port.requestCounts(none)).toEqual({});
    expect(await port.latencies(none)).toBeNull();
  });

  it('maps a permission error to roles/monitoring.viewer', async () => {
    emulator.state.injectError({ code: 'PERMISSION_DENIED', times: 1 });
    const e = await port.requestCounts(window).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'permission', api: 'monitoring' });
    expect((e as Error & { hint: string }).hint).toContain('roles/monitoring.viewer');
  });
});
