/**
 * Phase 0 end to end: the built CLI (a real child process) drives the real `@google-cloud/run` client
 * over loopback gRPC to the emulator in src/sandbox/cloudrun, with no credentials at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import type { ServiceStatus } from '../../src/phase-data/deploy-status.js';
import { phaseData, phaseResult } from '../../src/phase-data/index.js';
import type { StatusReport } from '../../src/pipeline/status.js';
import { type CloudRunEmulator, startCloudRunEmulator } from '../../src/sandbox/cloudrun/emulator.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const HOUR = 3_600_000;
const DEPLOY = resolve(import.meta.dirname, '../../dist/sandbox/cloudrun/deploy.js');
// Fast retries and polls so the failure cases finish in well under a second of waiting.
const GCP =
  'gcp: { project: it-proj, region: europe-west1, retries: 2, backoff: 10ms, pollInterval: 20ms, callTimeout: 3s }';

const ENV_PROBE = `import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
test('records the service it is bound to', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('TDL_SERVICE_')));
  writeFileSync(process.env.TDL_REPORT_DIR + '/service-env.json', JSON.stringify(env));
});
`;

const suites = `suites:
  - id: probe
    command: [node, --test, --test-reporter=junit, "--test-reporter-destination={reportDir}/probe.xml", test/]
    report: { format: junit, path: "{reportDir}/probe.xml" }
`;

function playbook(services: string, gcp = GCP): string {
  return `name: cloudrun-it\n${gcp}\nservices:\n${services}\n${suites}`;
}

// A deploy that becomes Ready (or fails) after a set number of reads gets a wait long enough never to
// matter: its outcome is decided by the reads, not by how fast a loaded machine polls. Only the deploy
// that never becomes Ready waits 1 s, the timeout it is about.
function deployed(name: string, args: string, extra = '', waitTimeout = '30s'): string {
  return `  - name: ${name}
    freshWithin: 1h
${extra}    deploy:
      command: [node, ${JSON.stringify(DEPLOY)}, ${name}, ${args}]
      timeout: 30s
      waitTimeout: ${waitTimeout}
`;
}

let emulator: CloudRunEmulator;
let project: TempProject;

beforeAll(async () => {
  emulator = await startCloudRunEmulator({ project: 'it-proj', region: 'europe-west1' });
  const s = emulator.state;
  s.addService({ name: 'healthy', revisions: [{ ageMs: 5 * HOUR }, { ageMs: 10 * 60_000 }] });
  s.addService({ name: 'stale', revisions: [{ ageMs: 30 * HOUR }] });
  s.addService({
    name: 'pinned',
    revisions: [
      { name: 'pinned-old', ageMs: 3 * HOUR },
      { name: 'pinned-new', ageMs: 60_000 },
    ],
  });
  s.setTraffic('pinned', [{ revision: 'pinned-old', percent: 100 }]);
  s.addService({ name: 'flaky-net', revisions: [{ ageMs: 60_000 }] });
  s.addService({ name: 'down', revisions: [{ ageMs: 60_000 }] });
  s.addService({ name: 'forbidden', revisions: [{ ageMs: 60_000 }] });
  s.addService({ name: 'to-deploy', revisions: [{ ageMs: 30 * HOUR }] });
  s.addService({ name: 'breaks', revisions: [{ ageMs: 30 * HOUR }] });
  s.addService({ name: 'hangs', revisions: [{ ageMs: 30 * HOUR }] });
  s.addService({ name: 'tagged', revisions: [{ name: 'tagged-old', ageMs: 30 * HOUR }] });
  s.setTraffic('tagged', [{ revision: 'tagged-old', percent: 100 }]);
  const one = (name: string) => `  - name: ${name}\n    freshWithin: 1h\n`;
  project = await tempProject({
    'healthy.yaml': playbook(one('healthy')),
    'stale.yaml': playbook(one('stale') + one('healthy')),
    'pinned.yaml': playbook(one('pinned')),
    'missing.yaml': playbook(one('no-such-service')),
    'flaky.yaml': playbook(one('flaky-net')),
    'down.yaml': playbook(one('down') + one('healthy')),
    'forbidden.yaml': playbook(one('forbidden')),
    'deploy.yaml': playbook(deployed('to-deploy', '--ready-after, "3"')),
    'breaks.yaml': playbook(deployed('breaks', '--fail, "container failed to start: exit 1"')),
    'hangs.yaml': playbook(deployed('hangs', '--never-ready', '', '1s')),
    'tagged.yaml': playbook(deployed('tagged', '--ready-after, "1"', '    tagRevision: true\n')),
    'endpoint.yaml': playbook(one('healthy'), `${GCP.slice(0, -2)}, endpoint: "${emulator.endpoint}" }`),
    'test/probe.test.js': ENV_PROBE,
  });
}, 30_000);

afterAll(async () => {
  project.cleanup();
  await emulator.close();
});

const env = () => ({ TDL_CLOUDRUN_ENDPOINT: emulator.endpoint });

async function status(
  file: string,
): Promise<{ code: number | undefined; report: StatusReport; stderr: string }> {
  const r = await tdl(project.dir, ['status', '-p', file, '--json'], env());
  return { code: r.exitCode, report: JSON.parse(String(r.stdout)) as StatusReport, stderr: String(r.stderr) };
}

function svc(report: { services: ServiceStatus[] }, name: string): ServiceStatus {
  const found = report.services.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} in ${JSON.stringify(report)}`);
  return found;
}

async function run(
  file: string,
  args: string[] = [],
): Promise<{ code: number | undefined; record: RunRecord }> {
  const r = await tdl(project.dir, ['run', '-p', file, '--json', ...args], env());
  return { code: r.exitCode, record: JSON.parse(String(r.stdout)) as RunRecord };
}

const phase0 = (record: RunRecord) => phaseResult(record, 'deploy-status')!;

describe('tdl status against the Cloud Run emulator', () => {
  it('reports a healthy service: revisions, age, Ready condition, traffic, URL; exit 0', async () => {
    const { code, report } = await status('healthy.yaml');
    const s = svc(report, 'healthy');
    expect(code).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(s.verdict).toBe('pass');
    expect(s.latestReadyRevision).toBe(emulator.state.revisionNames('healthy')[0]);
    expect(s.latestCreatedRevision).toBe(s.latestReadyRevision);
    expect(s.readyAgeMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(s.readyAgeMs).toBeLessThan(HOUR);
    expect(s.condition?.state).toBe('CONDITION_SUCCEEDED');
    expect(s.traffic).toEqual([
      expect.objectContaining({ revision: s.latestReadyRevision, percent: 100, latest: true }),
    ]);
    expect(s.url).toBe('https://healthy-emu.europe-west1.run.sandbox');
  });

  it('prints the same as text without --json, and reads gcp.endpoint from the playbook', async () => {
    const r = await tdl(project.dir, ['status', '-p', 'endpoint.yaml']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain('healthy: PASS (healthy)');
    expect(String(r.stdout)).toMatch(/latest ready\s+healthy-00002-\w+, created .* \(1\d min ago\)/);
    expect(String(r.stdout)).toContain(`via ${emulator.endpoint}`);
  });

  it('marks a ready revision older than freshWithin as stale: exit 1', async () => {
    const { code, report } = await status('stale.yaml');
    expect(code).toBe(1);
    expect(svc(report, 'stale')).toMatchObject({ verdict: 'fail', kind: 'stale', stale: true });
    expect(svc(report, 'stale').reason).toMatch(/is 30 h 0\d min old, older than freshWithin 1h/);
    expect(svc(report, 'healthy').verdict).toBe('pass');
  });

  it('reports traffic pinned to an old revision plainly, with what to do: exit 1', async () => {
    const { code, report } = await status('pinned.yaml');
    const s = svc(report, 'pinned');
    expect(code).toBe(1);
    expect(s).toMatchObject({ verdict: 'fail', kind: 'no-traffic', latestReadyRevision: 'pinned-new' });
    expect(s.reason).toBe(
      'revision pinned-new is ready but receives no traffic: traffic is pinned to pinned-old 100%',
    );
    expect(s.action).toContain('gcloud run services update-traffic pinned --to-latest');
    expect(s.target).toMatchObject({ revision: 'pinned-old', via: 'service' });
  });

  it('reports a service that does not exist, naming project and region: exit 1', async () => {
    const { code, report } = await status('missing.yaml');
    const s = svc(report, 'no-such-service');
    expect(code).toBe(1);
    expect(s).toMatchObject({ verdict: 'fail', kind: 'not-found' });
    expect(s.reason).toBe('service no-such-service not found in project it-proj region europe-west1');
  });

  it('maps PERMISSION_DENIED to a hint naming ADC and roles/run.viewer; inconclusive, exit 3', async () => {
    emulator.state.injectError({ code: 'PERMISSION_DENIED', service: 'forbidden' });
    try {
      const { code, report } = await status('forbidden.yaml');
      const s = svc(report, 'forbidden');
      expect(code).toBe(3);
      expect(report.verdict).toBe('inconclusive');
      expect(s).toMatchObject({ verdict: 'inconclusive', kind: 'unreadable' });
      expect(s.reason).toContain('permission denied');
      expect(s.action).toContain('gcloud auth application-default login');
      expect(s.action).toContain('roles/run.viewer');
    } finally {
      emulator.state.clearErrors();
    }
  });

  it('retries a transient UNAVAILABLE and recovers: exit 0', async () => {
    emulator.state.injectError({ code: 'UNAVAILABLE', service: 'flaky-net', method: 'GetService', times: 2 });
    const before = emulator.state.calls.length;
    try {
      const { code, report } = await status('flaky.yaml');
      expect(code).toBe(0);
      expect(svc(report, 'flaky-net').verdict).toBe('pass');
      const calls = emulator.state.calls.slice(before).filter((c) => c.method === 'GetService');
      expect(calls.map((c) => c.error)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', null]);
    } finally {
      emulator.state.clearErrors();
    }
  });

  it('gives up on a permanent UNAVAILABLE after its retries: inconclusive, never healthy, exit 3', async () => {
    emulator.state.injectError({ code: 'UNAVAILABLE', service: 'down' });
    try {
      const { code, report } = await status('down.yaml');
      expect(code).toBe(3);
      expect(report.verdict).toBe('inconclusive');
      expect(svc(report, 'down').reason).toMatch(/Cloud Run unreachable after 3 attempt\(s\)/);
      expect(svc(report, 'healthy').verdict).toBe('pass');
      expect(report.error).toContain('could not read down');
      // In a run, the phase keeps its table, is errored with verdict inconclusive, and the run exits 3.
      const { code: runCode, record } = await run('down.yaml', ['--only', 'deploy-status']);
      expect(runCode).toBe(3);
      expect(phase0(record)).toMatchObject({
        state: 'errored',
        verdict: 'inconclusive',
        error: { exitCode: 3 },
      });
      expect(svc(phase0(record).data!, 'healthy').verdict).toBe('pass');
    } finally {
      emulator.state.clearErrors();
    }
  });
});

describe('tdl run phase 0 with deploys against the emulator', () => {
  it('deploys a stale service with --deploy and waits for the new revision to be Ready', async () => {
    const old = emulator.state.revisionNames('to-deploy')[0];
    const { code, record } = await run('deploy.yaml', ['--deploy']);
    const p = phase0(record);
    const s = svc(p.data!, 'to-deploy');
    const now = emulator.state.revisionNames('to-deploy')[0];
    expect(code).toBe(0);
    expect(p).toMatchObject({ state: 'completed', verdict: 'pass' });
    expect(now).not.toBe(old);
    expect(s.deploy).toMatchObject({ outcome: 'ready', oldRevision: old, newRevision: now, exitCode: 0 });
    // Ready after 3 reads: the deploy script's own read, then tdl's polls.
    expect(s.deploy!.polls).toBeGreaterThanOrEqual(2);
    expect(s).toMatchObject({ verdict: 'pass', latestReadyRevision: now });
    expect(readFileSync(s.deploy!.logFile!, 'utf8')).toContain(`created revision ${now}`);
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toContain('**Deploys**');
    expect(md).toMatch(new RegExp(`\\| ${old} \\| ${now} \\|`));
  });

  it('does not deploy without --deploy: the stale service fails phase 0, exit 1', async () => {
    emulator.state.addService({ name: 'stays-stale', revisions: [{ ageMs: 30 * HOUR }] });
    project.write('stays.yaml', playbook(deployed('stays-stale', '--ready-after, "1"')));
    const { code, record } = await run('stays.yaml', ['--only', 'deploy-status']);
    expect(code).toBe(1);
    expect(svc(phase0(record).data!, 'stays-stale')).toMatchObject({
      kind: 'stale',
      deploy: null,
    });
    expect(emulator.state.revisionNames('stays-stale')).toHaveLength(1);
    // --dry-run --deploy plans the deploy and runs nothing.
    const dry = await run('stays.yaml', ['--only', 'deploy-status', '--deploy', '--dry-run']);
    const planned = svc(phase0(dry.record).data!, 'stays-stale').deploy;
    expect(planned).toMatchObject({ outcome: 'planned', exitCode: null, newRevision: null });
    expect(planned?.command.slice(-3)).toEqual(['stays-stale', '--ready-after', '1']);
    expect(emulator.state.revisionNames('stays-stale')).toHaveLength(1);
  });

  it('fails with the condition message when the deployed revision fails: exit 3', async () => {
    const { code, record } = await run('breaks.yaml', ['--deploy', '--only', 'deploy-status']);
    const p = phase0(record);
    const s = svc(p.data!, 'breaks');
    expect(code).toBe(3);
    expect(p.state).toBe('errored');
    expect(p.error?.code).toBe('EDEPLOY');
    expect(s.deploy?.outcome).toBe('failed-revision');
    expect(s).toMatchObject({ verdict: 'fail', kind: 'failed-revision' });
    expect(s.reason).toContain('container failed to start: exit 1');
  });

  it('fails on timeout when the new revision never becomes Ready: exit 3', async () => {
    const { code, record } = await run('hangs.yaml', ['--deploy', '--only', 'deploy-status']);
    const s = svc(phase0(record).data!, 'hangs');
    expect(code).toBe(3);
    expect(s.deploy?.outcome).toBe('timeout');
    expect(s.deploy?.message).toMatch(/not Ready after 1\.00 s: RECONCILING: Deploying revision/);
    expect(s.deploy!.polls).toBeGreaterThan(1);
    expect(s.verdict).toBe('fail');
  });

  it('tags a just-deployed revision; suites get its tagged URL while traffic stays pinned', async () => {
    const { record } = await run('tagged.yaml', ['--deploy']);
    const s = svc(phase0(record).data!, 'tagged');
    const fresh = emulator.state.revisionNames('tagged')[0]!;
    const tag = `tdl-${record.runId.split('-').pop()}`;
    expect(fresh).not.toBe('tagged-old');
    expect(s.deploy).toMatchObject({ outcome: 'ready', newRevision: fresh, tag });
    expect(s.verdict).toBe('pass');
    // Traffic is still 100% on the old revision; the new one is reachable through its tag only.
    expect(s.traffic).toEqual([
      expect.objectContaining({ revision: 'tagged-old', percent: 100, tag: null }),
      expect.objectContaining({ revision: fresh, percent: 0, tag }),
    ]);
    const tagUrl = `https://${tag}---tagged-emu.europe-west1.run.sandbox`;
    expect(s.target).toEqual({ url: tagUrl, revision: fresh, via: 'tag' });
    const probeDir = join(record.runDir, 'reports', 'probe');
    const seen = JSON.parse(
      readFileSync(join(probeDir, readdirSync(probeDir)[0]!, 'service-env.json'), 'utf8'),
    );
    expect(seen).toEqual({ TDL_SERVICE_TAGGED_URL: tagUrl, TDL_SERVICE_TAGGED_REVISION: fresh });
    const suite = phaseData(record, 'run-tests')!.suites[0]!;
    expect(suite.services).toEqual([{ name: 'tagged', url: tagUrl, revision: fresh, via: 'tag' }]);
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toContain(`| \`probe\` | \`tagged\` | ${fresh} | ${tagUrl} (tag) |`);
  });
});

describe('tdl doctor with Cloud Run services', () => {
  it('checks each service with one read; a missing one fails with the fix', async () => {
    const ok = await tdl(project.dir, ['doctor', '-p', 'healthy.yaml', '--json'], env());
    const checks = JSON.parse(String(ok.stdout)).checks as { name: string; ok: boolean; detail: string }[];
    expect(checks).toContainEqual(
      expect.objectContaining({ name: 'Cloud Run reachable: healthy', ok: true }),
    );
    expect(checks).toContainEqual(expect.objectContaining({ name: 'Cloud Run credentials', ok: true }));
    const bad = await tdl(project.dir, ['doctor', '-p', 'missing.yaml'], env());
    expect(bad.exitCode).toBe(1);
    expect(String(bad.stderr)).toContain(
      '✗ Cloud Run reachable: no-such-service: service no-such-service not found in project it-proj region europe-west1',
    );
    expect(String(bad.stderr)).toContain('fix: check services[].name, gcp.project and gcp.region');
  });
});
