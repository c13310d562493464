/**
 * Phase 3's "deployed revision then" link from phase 0's record, end to end: the built CLI reads the
 * Cloud Run emulator (real `@google-cloud/run` client over loopback gRPC) and phase 3 names the
 * revision tested, its age when phase 0 checked it, and the traffic; a later run shows the first
 * failing run's revision, not today's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type CloudRunEmulator, startCloudRunEmulator } from '../../src/sandbox/cloudrun/emulator.js';
import { FAILING_TEST, nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

const HOUR = 3_600_000;
const GCP = 'gcp: { project: rc-proj, region: europe-west1, retries: 1, backoff: 10ms, callTimeout: 3s }';

let emulator: CloudRunEmulator;
let project: TempProject;
let first: RunRecord;
let second: RunRecord;
let firstHealthy: string;

const run = async () => {
  const r = await tdl(project.dir, ['run', '--json', '--publish', 'none'], {
    TDL_CLOUDRUN_ENDPOINT: emulator.endpoint,
  });
  expect(r.stdout, r.stderr).toMatch(/^\{/);
  return JSON.parse(r.stdout) as RunRecord;
};
const link = (r: RunRecord) =>
  phaseData(r, 'root-cause')!.clusters[0]!.evidence!.find((l) => l.kind === 'deployed-revision')!;

beforeAll(async () => {
  emulator = await startCloudRunEmulator({ project: 'rc-proj', region: 'europe-west1' });
  emulator.state.addService({
    name: 'api',
    revisions: [{ ageMs: 5 * HOUR }, { ageMs: 2 * HOUR + 5 * 60_000 }],
  });
  emulator.state.addService({
    name: 'web',
    revisions: [
      { name: 'web-old', ageMs: 3 * HOUR },
      { name: 'web-new', ageMs: 10 * 60_000 },
    ],
  });
  emulator.state.setTraffic('web', [{ revision: 'web-old', percent: 100 }]);
  project = await tempProject({
    'tdl.yaml': `name: rc-revision\n${GCP}\nservices:\n  - name: api\n    freshWithin: 24h\n  - name: web\n    freshWithin: 24h\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}`,
    'test/unit/math.test.js': FAILING_TEST,
  });
  first = await run();
  firstHealthy = emulator.state.revisionNames('api')[0]!;
  // A deploy between the runs: the second run's chain still shows what the first failing run tested.
  emulator.state.addRevision('api', { ageMs: 0 });
  second = await run();
}, 90_000);
afterAll(async () => {
  project.cleanup();
  await emulator.close();
});

describe('phase 3: the deployed revision and its age at that time', () => {
  it('names the revision each service served, its age when phase 0 checked it, and the traffic', () => {
    const l = link(first);
    expect(firstHealthy).toMatch(/^api-00002-/);
    expect(l.value).toMatch(
      new RegExp(
        `^api: ${firstHealthy} \\(2 h 0[5-9] min old then, created \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\), traffic ${firstHealthy} 100% \\(latest\\); `,
      ),
    );
    // Traffic pinned to an older revision: the one tested is named, and the newer ready one too.
    expect(l.value).toMatch(
      /; web: web-old \(age not recorded by phase 0\), traffic web-old 100%, latest ready web-new \(1\d min old then, created [^)]+\) was not the one tested$/,
    );
    expect(l.source).toMatch(
      new RegExp(
        `^phase 0 of this run \\(Cloud Run ${emulator.endpoint.replace(/\./g, '\\.')}, checked \\d{4}-`,
      ),
    );
    expect(l.source).not.toContain('not recorded');
  });

  it("a later run shows the first failing run's revision, not the one deployed since", () => {
    const l = link(second);
    const now = emulator.state.revisionNames('api')[0]!;
    expect(now).not.toBe(firstHealthy);
    expect(l.source).toMatch(new RegExp(`^phase 0 of run ${first.runId} `));
    expect(l.value).toContain(`api: ${firstHealthy} (2 h 0`);
    expect(l.value).not.toContain(now);
  });
});
