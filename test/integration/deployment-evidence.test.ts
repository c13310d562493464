/**
 * Phase 3's deployment evidence end to end: the built CLI (a real child process) reads the tested
 * revisions' logs and metrics through the real `@google-cloud/logging` and `@google-cloud/monitoring`
 * clients from the loopback emulators; the suite under test writes its own request's error entry
 * through the real client with the TRACEPARENT tdl gave it. Correlated and uncorrelated entries, no
 * data, a baseline without data, tokens inside log payloads, permission denied and a slow emulator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { DeploymentEvidence } from '../../src/phase-data/root-cause.js';
import { type CloudRunEmulator, startCloudRunEmulator } from '../../src/sandbox/cloudrun/emulator.js';
import { type LoggingEmulator, startLoggingEmulator } from '../../src/sandbox/logging/emulator.js';
import { type MonitoringEmulator, startMonitoringEmulator } from '../../src/sandbox/monitoring/emulator.js';
import { nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(join(ROOT, 'package.json'));
const LOGGING = pathToFileURL(require.resolve('@google-cloud/logging')).href;
const GAX = pathToFileURL(require.resolve('google-gax')).href;
const MINUTE = 60_000;
const BEARER = 'zq8LmN3pQ7rT2vX9kW4y';
const GHP = `ghp_${'Z'.repeat(36)}`;
const API_KEY = 'sk-live-4f9a8b7c6d5e';

/** A test of the service under test: its request fails, and the service logs it with the test's trace. */
const CHECKOUT_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
const { Logging } = await import(${JSON.stringify(LOGGING)});
const gax = await import(${JSON.stringify(GAX)});

const [, trace, span] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(process.env.TRACEPARENT);
const [host, port] = process.env.TDL_LOGGING_ENDPOINT.split(':');
const logging = new Logging({ projectId: 'it-obs', apiEndpoint: host, port: Number(port),
  sslCreds: gax.grpc.credentials.createInsecure(), authClient: new gax.googleAuthLibrary.PassThroughClient() });
const log = logging.log('run.googleapis.com%2Fstderr');
const resource = { type: 'cloud_run_revision', labels: { service_name: 'api', revision_name: process.env.TDL_SERVICE_API_REVISION } };
const other = () => ({ trace: 'projects/it-obs/traces/' + randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });

test('checkout answers 200', async () => {
  await log.write([
    log.entry({ severity: 'ERROR', trace: 'projects/it-obs/traces/' + trace, spanId: span,
      sourceLocation: { file: 'src/checkout.js', line: 88, function: 'checkout' } },
      { message: 'checkout failed: upstream returned 500 for cart 42' }),
    log.entry({ severity: 'ERROR', ...other() }, { message: 'redis timeout after 45 ms' }),
    log.entry({ severity: 'ERROR', ...other() },
      { message: 'auth refresh failed: Authorization: Bearer ${BEARER} token ${GHP} key ${API_KEY}' }),
    log.entry({ severity: 'INFO', trace: 'projects/it-obs/traces/' + trace, spanId: span }, { message: 'checkout started' }),
  ], { resource });
  assert.equal(500, 200, 'checkout answered 500');
});
`;

const playbook = (extra = '') => `name: evidence-it
gcp: { project: it-obs, region: us-central1, retries: 0, callTimeout: 5s }
services:
  - name: api
    slo:
      errorRate: { pass: "< 1%", warning: "< 1.5%" }
      latency: { p95: { pass: "<= +10%" } }
      window: 10m
  - name: cart
    slo:
      latency: { p95: { pass: "<= +10%" } }
      window: 10m
  - name: web
    slo:
      errorRate: { pass: "< 1%" }
      window: 10m
${extra}suites:
${nodeSuite('checkout', 1, 'test/')}
redact:
  env: [SERVICE_API_KEY]
decision:
  require: [tests-authentic, gates-passed, deployment-healthy, no-new-errors]
github: { repo: acme/shop, labels: [tdl] }
`;

interface Sandbox {
  run: CloudRunEmulator;
  logging: LoggingEmulator;
  monitoring: MonitoringEmulator;
  env: Record<string, string>;
}

async function sandbox(loggingLatencyMs = 0): Promise<Sandbox> {
  const [run, logging, monitoring] = await Promise.all([
    startCloudRunEmulator({ project: 'it-obs', region: 'us-central1' }),
    startLoggingEmulator({ project: 'it-obs', latencyMs: loggingLatencyMs }),
    startMonitoringEmulator({ project: 'it-obs' }),
  ]);
  const now = Date.now();
  run.state.addService({
    name: 'api',
    revisions: [
      { name: 'api-00001-old', ageMs: 5 * 60 * MINUTE },
      { name: 'api-00002-new', ageMs: 10 * MINUTE },
    ],
  });
  run.state.addService({
    name: 'cart',
    revisions: [
      { name: 'cart-00001-a', ageMs: 60 * MINUTE },
      { name: 'cart-00002-b', ageMs: 30 * MINUTE },
    ],
    traffic: [
      { revision: 'cart-00001-a', percent: 90 },
      { revision: 'cart-00002-b', percent: 10 },
    ],
  });
  run.state.addService({ name: 'web', revisions: [{ name: 'web-00001-one', ageMs: 60 * MINUTE }] });
  // What api's previous revision logged just before it was replaced (the no-new-errors baseline).
  logging.state.add([
    {
      service: 'api',
      revision: 'api-00001-old',
      message: 'redis timeout after 30 ms',
      at: now - 10 * MINUTE - 1000,
    },
  ]);
  monitoring.state.addRequests([
    {
      service: 'api',
      revision: 'api-00002-new',
      at: now - MINUTE,
      count: 98,
      codeClass: '2xx',
      latencyMs: 120,
    },
    {
      service: 'api',
      revision: 'api-00002-new',
      at: now - MINUTE,
      count: 2,
      codeClass: '5xx',
      latencyMs: 300,
    },
    // cart: the tested revision (90%) has data, the other serving one has none.
    { service: 'cart', revision: 'cart-00001-a', at: now - MINUTE, count: 50, latencyMs: 80 },
  ]);
  return {
    run,
    logging,
    monitoring,
    env: {
      TDL_CLOUDRUN_ENDPOINT: run.endpoint,
      TDL_LOGGING_ENDPOINT: logging.endpoint,
      TDL_MONITORING_ENDPOINT: monitoring.endpoint,
      SERVICE_API_KEY: API_KEY,
      GITHUB_TOKEN: '',
      GH_TOKEN: '',
      PATH: `${process.env.PATH}`,
    },
  };
}

const close = (s: Sandbox) => Promise.all([s.run.close(), s.logging.close(), s.monitoring.close()]);
const evidenceOf = (r: RunRecord) => phaseData(r, 'root-cause')!.deployment as DeploymentEvidence;
const criterion = (r: RunRecord, id: string) => phaseData(r, 'stability')!.criteria.find((c) => c.id === id)!;

describe('deployment evidence through the real clients', () => {
  let s: Sandbox;
  let project: TempProject;
  let record: RunRecord;
  let stdout: string;
  let stderr: string;
  beforeAll(async () => {
    s = await sandbox();
    project = await tempProject({ 'tdl.yaml': playbook(), 'test/checkout.test.js': CHECKOUT_TEST });
    const r = await tdl(project.dir, ['run', '--json', '--publish', 'outbox'], s.env);
    stdout = String(r.stdout);
    stderr = String(r.stderr);
    expect(r.exitCode, stderr).toBe(1);
    record = JSON.parse(stdout) as RunRecord;
  }, 120_000);
  afterAll(async () => {
    await close(s);
    project.cleanup();
  });

  it("attaches the test's own error entry to its cluster, and no entry of another trace (100% / 100%)", () => {
    const e = evidenceOf(record);
    expect(e.correlation).toMatchObject({ failingTests: 1, correlatedTests: 1, rate: 1 });
    expect(e.correlation.otherEntries).toBeGreaterThanOrEqual(2);
    expect(e.correlated).toHaveLength(1);
    expect(e.correlated[0]).toMatchObject({
      revision: 'api-00002-new',
      suiteId: 'checkout',
      via: 'span',
      message: 'checkout failed: upstream returned 500 for cart 42',
      sourceLocation: 'src/checkout.js:88 in checkout',
    });
    expect(e.correlated.every((c) => c.trace.endsWith(`/traces/${e.traceId}`))).toBe(true);
    const cluster = phaseData(record, 'root-cause')!.clusters[0]!;
    const link = cluster.evidence!.find((l) => l.kind === 'revision-log')!;
    expect(link.value).toContain('ERROR logged by revision api-00002-new during suite `checkout`');
    expect(link.value).toContain(
      'checkout failed: upstream returned 500 for cart 42 (src/checkout.js:88 in checkout)',
    );
    const worklog = readFileSync(record.worklog!.markdown, 'utf8');
    expect(worklog).toContain('1 of 1 failing test(s) (100.0%) have an error entry of this run');
  });

  it('groups the revision errors at ERROR and above, and finds the signatures the previous revision did not log', () => {
    const api = evidenceOf(record).logs.find((l) => l.service === 'api')!;
    expect(api.state).toBe('read');
    expect(api.filter).toContain('resource.labels.revision_name="api-00002-new"');
    expect(api.groups.map((g) => g.signature).sort()).toEqual([
      'auth refresh failed: Authorization: Bearer [REDACTED] token [REDACTED] key [REDACTED]',
      'checkout failed: upstream returned <n> for cart <n>',
      'redis timeout after <n> ms',
    ]);
    expect(api.baseline).toMatchObject({ revision: 'api-00001-old', state: 'read', entries: 1 });
    expect(api.newSignatures?.sort()).toEqual([
      'auth refresh failed: Authorization: Bearer [REDACTED] token [REDACTED] key [REDACTED]',
      'checkout failed: upstream returned <n> for cart <n>',
    ]);
    const c = criterion(record, 'no-new-errors');
    expect(c.verdict).toBe('fail');
    expect(c.evidence[0]).toMatch(
      /^api: 2 error signature\(s\) logged by api-00002-new and not by api-00001-old/,
    );
  });

  it('judges the bands: a value over its bound fails with value, bound and window; no data and a baseline without data are inconclusive', () => {
    const slo = evidenceOf(record).slo;
    const line = (service: string, indicator: string) =>
      slo.find((v) => v.service === service && v.indicator === indicator)!;
    expect(line('api', 'error-rate')).toMatchObject({ verdict: 'fail', value: 0.02, bound: '< 1%' });
    expect(line('api', 'error-rate').text).toMatch(
      /^api: 5xx 2\.0% > 1% \(bound < 1%, warning < 1.5%; window \S+Z\.\.\S+Z\)$/,
    );
    expect(line('api', 'p95')).toMatchObject({ verdict: 'inconclusive' });
    expect(line('api', 'p95').text).toContain('no serving revision to compare with');
    expect(line('cart', 'p95')).toMatchObject({ verdict: 'inconclusive', revision: 'cart-00001-a' });
    expect(line('cart', 'p95').text).toContain(
      'the serving revision cart-00002-b has no data to compare with',
    );
    expect(line('web', 'error-rate')).toMatchObject({ verdict: 'inconclusive', value: null });
    expect(line('web', 'error-rate').text).toContain(
      'no data: web-00001-one served no request in the window',
    );
    const healthy = criterion(record, 'deployment-healthy');
    expect(healthy.verdict).toBe('fail');
    expect(healthy.evidence[0]).toMatch(/^api: 5xx 2\.0% > 1%/);
    expect(
      record.decision?.reasons.some((r) => r.startsWith('deployment-healthy fail: api: 5xx 2.0% > 1%')),
    ).toBe(true);
  });

  it('lets no token from a log payload out: worklog, record, run log, outbox drafts, stdout', () => {
    const files = [record.worklog!.markdown, record.worklog!.json, join(record.runDir, 'run.log')];
    const outbox = join(record.runDir, 'outbox');
    for (const f of readdirSync(outbox)) files.push(join(outbox, f));
    const texts = [stdout, stderr, ...files.map((f) => readFileSync(f, 'utf8'))];
    for (const text of texts) {
      expect(text).not.toContain(BEARER);
      expect(text).not.toContain(GHP);
      expect(text).not.toContain(API_KEY);
    }
    expect(readFileSync(record.worklog!.markdown, 'utf8')).toContain(
      'auth refresh failed: Authorization: Bearer [REDACTED] token [REDACTED] key [REDACTED]',
    );
  });
});

describe('the same evidence without a run', () => {
  let s: Sandbox;
  let project: TempProject;
  beforeAll(async () => {
    s = await sandbox();
    s.logging.state.add([
      {
        service: 'api',
        revision: 'api-00002-new',
        message: 'checkout failed: upstream returned 500 for cart 7',
        at: Date.now() - 5 * MINUTE,
      },
      {
        service: 'api',
        revision: 'api-00002-new',
        message: `token refresh failed for ${GHP}`,
        at: Date.now() - 4 * MINUTE,
      },
    ]);
    project = await tempProject({ 'tdl.yaml': playbook(), 'test/ok.test.js': PASSING_TEST });
  });
  afterAll(async () => {
    await close(s);
    project.cleanup();
  });

  it('tdl status --logs --since 1h prints the log groups and the bands of each revision', async () => {
    const r = await tdl(project.dir, ['status', '--logs', '--since', '1h'], s.env);
    const out = String(r.stdout);
    expect(out).toContain('api (api-00002-new): 2 entries at ERROR or above in 1 page(s)');
    expect(out).toMatch(/1x ERROR\s+\S+ \.\. \S+\s+checkout failed: upstream returned 500 for cart 7/);
    expect(out).toContain('FAIL         [2.0%] api: 5xx 2.0% > 1%');
    expect(out).toContain('INCONCLUSIVE web: 5xx no data');
    expect(out).not.toContain(GHP);
    // A band outside its bound: not healthy.
    expect(r.exitCode).toBe(1);
    const json = JSON.parse(String((await tdl(project.dir, ['status', '--logs', '--json'], s.env)).stdout));
    expect(json.evidence.logs.map((l: { service: string }) => l.service)).toEqual(['api', 'cart', 'web']);
  }, 60_000);

  it('tdl doctor checks both roles: a missing one is a failed check with the role to grant', async () => {
    s.logging.state.injectError({ code: 'PERMISSION_DENIED', method: 'ListLogEntries' });
    try {
      const r = await tdl(project.dir, ['doctor'], s.env);
      const err = String(r.stderr);
      expect(r.exitCode).toBe(1);
      expect(err).toMatch(
        /✗ Cloud Logging readable \(roles\/logging\.viewer\): reading log entries: permission denied/,
      );
      expect(err).toContain('fix: grant roles/logging.viewer on project it-obs');
      expect(err).toMatch(
        /✓ Cloud Monitoring readable \(roles\/monitoring\.viewer\): read the request metrics of api/,
      );
    } finally {
      s.logging.state.clearErrors();
    }
  }, 60_000);
});

describe('deployment evidence that cannot be read', () => {
  it('permission denied and a slow emulator make the links inconclusive (with the role), never an error of the run', async () => {
    const s = await sandbox(3000);
    s.monitoring.state.injectError({ code: 'PERMISSION_DENIED', method: 'ListTimeSeries' });
    const project = await tempProject({
      'tdl.yaml': playbook().replaceAll('    slo:\n', '    logs: { timeout: 300ms }\n    slo:\n'),
      'test/ok.test.js': PASSING_TEST,
    });
    try {
      const r = await tdl(project.dir, ['run', '--json', '--publish', 'none'], s.env);
      const record = JSON.parse(String(r.stdout)) as RunRecord;
      expect(record.phases.find((p) => p.id === 'root-cause')!.state).toBe('completed');
      const e = evidenceOf(record);
      const api = e.logs.find((l) => l.service === 'api')!;
      expect(api.state).toBe('timed-out');
      expect(api.reason).toContain('300 ms');
      expect(e.slo.every((v) => v.verdict === 'inconclusive')).toBe(true);
      expect(e.slo[0]!.text).toContain('roles/monitoring.viewer');
      expect(criterion(record, 'deployment-healthy').verdict).toBe('inconclusive');
      expect(criterion(record, 'no-new-errors').verdict).toBe('inconclusive');
      // Inconclusive is not pass: the run defers (exit 1), it does not error (exit 3).
      expect(r.exitCode).toBe(1);
      expect(record.decision?.decision).toBe('defer');
    } finally {
      await close(s);
      project.cleanup();
    }
  }, 120_000);
});
