import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adcSource } from '../../src/adapters/cloudrun/doctor.js';
import { isTransient, mapCloudRunError } from '../../src/adapters/cloudrun/errors.js';
import { normalizeService, timestampIso } from '../../src/adapters/cloudrun/normalize.js';
import type { RevisionInfo, ServiceInfo } from '../../src/adapters/cloudrun/port.js';
import { serviceEnv, serviceEnvPrefix } from '../../src/phase-data/deploy-status.js';
import { assessService, targetFor } from '../../src/phases/0-deploy-status/assess.js';
import { tagFor } from '../../src/phases/0-deploy-status/check.js';
import { serviceSchema } from '../../src/playbook/sections/cloudrun.js';
import { ageText } from '../../src/services/cloud-run-text.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const OK = {
  type: 'Ready',
  state: 'CONDITION_SUCCEEDED',
  reason: null,
  message: '',
  lastTransitionTime: null,
};

function service(over: Partial<ServiceInfo> = {}): ServiceInfo {
  return {
    name: 'api',
    uri: 'https://api.run.app',
    latestCreatedRevision: 'api-2',
    latestReadyRevision: 'api-2',
    terminalCondition: OK,
    traffic: [{ revision: 'api-2', percent: 100, latest: true, tag: null, uri: null }],
    reconciling: false,
    ...over,
  };
}

const revisions = (newAge: number, ready = OK): RevisionInfo[] => [
  { name: 'api-2', createTime: ago(newAge), ready },
  { name: 'api-1', createTime: ago(48 * HOUR), ready: OK },
];

const config = serviceSchema.parse({ name: 'api', freshWithin: '1h' });

describe('assessService', () => {
  const cases: [string, ServiceInfo, RevisionInfo[], string, string, RegExp][] = [
    [
      'healthy',
      service(),
      revisions(10 * MIN),
      'pass',
      'healthy',
      /api-2 is ready, 10 min old .*serving 100%/,
    ],
    ['stale', service(), revisions(3 * HOUR), 'fail', 'stale', /3 h 00 min old, older than freshWithin 1h/],
    [
      'traffic pinned',
      service({ traffic: [{ revision: 'api-1', percent: 100, latest: false, tag: null, uri: null }] }),
      revisions(10 * MIN),
      'fail',
      'no-traffic',
      /api-2 is ready but receives no traffic: traffic is pinned to api-1 100%/,
    ],
    [
      'latest created failed',
      service({ latestCreatedRevision: 'api-3' }),
      [
        {
          name: 'api-3',
          createTime: ago(MIN),
          ready: { ...OK, state: 'CONDITION_FAILED', reason: 'REVISION_FAILED', message: 'crashed' },
        },
        ...revisions(10 * MIN),
      ],
      'fail',
      'failed-revision',
      /api-3 failed \(Ready=False: FAILED \(REVISION_FAILED\): crashed\); api-2 still serves/,
    ],
    [
      'still rolling out',
      service({ latestCreatedRevision: 'api-3' }),
      [
        { name: 'api-3', createTime: ago(MIN), ready: { ...OK, state: 'CONDITION_RECONCILING' } },
        ...revisions(10 * MIN),
      ],
      'fail',
      'not-ready',
      /api-3 is not ready yet \(RECONCILING\); api-2 serves/,
    ],
    [
      'no ready revision at all',
      service({ latestReadyRevision: null, traffic: [] }),
      revisions(MIN, { ...OK, state: 'CONDITION_RECONCILING' }),
      'fail',
      'not-ready',
      /no ready revision/,
    ],
  ];
  it.each(cases)('%s', (_name, svc, revs, verdict, kind, reason) => {
    const s = assessService({ config, service: svc, revisions: revs, now: NOW });
    expect(s.verdict).toBe(verdict);
    expect(s.kind).toBe(kind);
    expect(s.reason).toMatch(reason);
    expect(s.action === null).toBe(verdict === 'pass');
  });

  it('counts a revision this run tagged as reachable even with 0% of traffic', () => {
    const svc = service({
      traffic: [
        { revision: 'api-1', percent: 100, latest: false, tag: null, uri: null },
        {
          revision: 'api-2',
          percent: 0,
          latest: false,
          tag: 'tdl-abc123',
          uri: 'https://tdl-abc123---api.run.app',
        },
      ],
    });
    const untagged = assessService({ config, service: svc, revisions: revisions(MIN), now: NOW });
    expect(untagged.kind).toBe('no-traffic');
    const tagged = assessService({
      config,
      service: svc,
      revisions: revisions(MIN),
      now: NOW,
      taggedRevision: 'api-2',
    });
    expect(tagged).toMatchObject({
      verdict: 'pass',
      target: { url: 'https://tdl-abc123---api.run.app', via: 'tag' },
    });
  });
});

describe('targets and environment', () => {
  it('binds suites to the revision serving most traffic when nothing is tagged', () => {
    const svc = service({
      traffic: [
        { revision: 'api-1', percent: 20, latest: false, tag: null, uri: null },
        { revision: 'api-2', percent: 80, latest: true, tag: null, uri: null },
      ],
    });
    expect(targetFor(svc, null)).toEqual({ url: 'https://api.run.app', revision: 'api-2', via: 'service' });
  });

  it.each([
    ['backend-staging', 'TDL_SERVICE_BACKEND_STAGING_'],
    ['api', 'TDL_SERVICE_API_'],
    ['a.b-c', 'TDL_SERVICE_A_B_C_'],
  ])('prefix of %s is %s', (name, prefix) => expect(serviceEnvPrefix(name)).toBe(prefix));

  it('sets URL and REVISION per service, leaving out what is unknown', () => {
    expect(
      serviceEnv([
        { name: 'api', target: { url: 'https://a', revision: 'api-2', via: 'service' } },
        { name: 'web', target: { url: null, revision: null, via: 'service' } },
      ]),
    ).toEqual({ TDL_SERVICE_API_URL: 'https://a', TDL_SERVICE_API_REVISION: 'api-2' });
  });

  it('makes a tag from the run id', () => expect(tagFor('tdl-20260110-120000-a1b2c3')).toBe('tdl-a1b2c3'));

  it.each([
    [45_000, '45.0 s'],
    [12 * MIN, '12 min'],
    [3 * HOUR + 5 * MIN, '3 h 05 min'],
    [50 * HOUR, '2 d 2 h'],
  ])('age %i ms reads %s', (ms, text) => expect(ageText(ms)).toBe(text));
});

describe('normalize', () => {
  it('accepts raw protobuf shapes: numeric enums and Long-like seconds', () => {
    const long = { toString: () => '1768046400' };
    const s = normalizeService({
      name: 'projects/p/locations/r/services/api',
      latestReadyRevision: 'projects/p/locations/r/services/api/revisions/api-2',
      latestCreatedRevision: 'projects/p/locations/r/services/api/revisions/api-2',
      terminalCondition: {
        type: 'Ready',
        state: 4,
        reason: 'COMMON_REASON_UNDEFINED',
        lastTransitionTime: { seconds: long, nanos: 0 },
      },
      trafficStatuses: [{ type: 1, percent: 100 }],
      uri: 'https://api.run.app',
    });
    expect(s.terminalCondition).toEqual({
      type: 'Ready',
      state: 'CONDITION_SUCCEEDED',
      reason: null,
      message: '',
      lastTransitionTime: '2026-01-10T12:00:00.000Z',
    });
    expect(s.traffic).toEqual([{ revision: 'api-2', percent: 100, latest: true, tag: null, uri: null }]);
    expect(s.latestReadyRevision).toBe('api-2');
  });

  it('treats an unset timestamp as unknown', () =>
    expect(timestampIso({ seconds: '0', nanos: 0 })).toBeNull());
});

describe('error mapping', () => {
  const scope = { project: 'p', region: 'r', service: 'api', action: 'reading service api' };
  it.each([
    [5, 'not-found', /service api not found in project p region r/],
    [7, 'permission', /permission denied/],
    [16, 'permission', /not authenticated/],
    [14, 'unavailable', /unreachable after 1 attempt/],
    [4, 'unavailable', /unreachable/],
    [13, 'other', /reading service api: boom/],
  ])('gRPC code %i is %s', (code, kind, message) => {
    const e = mapCloudRunError(Object.assign(new Error('boom'), { code, details: 'boom' }), scope);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(3);
    if (kind === 'permission') expect(e.hint).toMatch(/Application Default Credentials.*roles\/run\.viewer/);
  });

  it('treats a missing ADC file as an authentication problem', () => {
    const e = mapCloudRunError(new Error('Could not load the default credentials. Browse to ...'), scope);
    expect(e.kind).toBe('permission');
  });

  it('retries only UNAVAILABLE and DEADLINE_EXCEEDED', () => {
    expect([14, 4, 7, 5].map((code) => isTransient({ code }))).toEqual([true, true, false, false]);
  });
});

describe('adcSource', () => {
  it('names where credentials are, never what they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdl-adc-'));
    const key = join(dir, 'key.json');
    writeFileSync(key, '{"private_key":"secret"}');
    expect(adcSource({ GOOGLE_APPLICATION_CREDENTIALS: key }, dir)).toBe(
      `GOOGLE_APPLICATION_CREDENTIALS (${key})`,
    );
    expect(adcSource({ GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'nope.json') }, dir)).toBeNull();
    expect(adcSource({}, dir)).toBeNull();
    writeFileSync(join(dir, 'application_default_credentials.json'), '{}');
    expect(adcSource({ CLOUDSDK_CONFIG: dir }, '/nowhere')).toBe(
      join(dir, 'application_default_credentials.json'),
    );
  });
});

describe('worklog section', () => {
  it('renders the services table, reasons, deploys and what the suites test', async () => {
    const { renderDeployStatus } = await import('../../src/phases/0-deploy-status/section.js');
    const fresh = assessService({ config, service: service(), revisions: revisions(10 * MIN), now: NOW });
    const stale = assessService({
      config: serviceSchema.parse({
        name: 'web',
        freshWithin: '1h',
        deploy: { command: ['./deploy.sh', 'web'] },
      }),
      service: service({ name: 'web', uri: 'https://web.run.app' }),
      revisions: revisions(50 * HOUR),
      now: NOW,
    });
    const deploy = {
      command: ['./deploy.sh', 'web'],
      outcome: 'timeout' as const,
      message: 'new revision web-3 not Ready after 10 min 00 s: RECONCILING',
      exitCode: 0,
      durationMs: 42_000,
      waitMs: 600_000,
      polls: 31,
      logFile: '/repo/.tdl/runs/x/deploy-web.log',
      oldRevision: 'api-2',
      newRevision: 'web-3',
      tag: null,
    };
    const data = {
      services: [fresh, { ...stale, deploy }],
      target: 'run.googleapis.com',
      project: 'p',
      region: 'r',
      checkedAt: NOW.toISOString(),
    };
    const md = renderDeployStatus(
      { id: 'deploy-status', index: 0, title: 'Deployment status', state: 'errored', findings: [], data },
      {} as never,
      { rel: (p: string) => p },
    );
    await expect(md).toMatchFileSnapshot('./__snapshots__/deploy-status.md');
  });
});
