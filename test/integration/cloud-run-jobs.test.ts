/**
 * `tdl run --executor cloud-run-jobs` (issue 20) through the real `@google-cloud/run` JobsClient and
 * `@google-cloud/storage` against the loopback emulators: every task is a real `tdl run --plan gs://…`
 * process with the Cloud Run task environment. The merged run equals the unsharded run of the same
 * tests; a task that failed without writing its partial makes its tier inconclusive, never a pass.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseResult } from '../../src/phase-data/index.js';
import { type CloudRunEmulator, startCloudRunEmulator } from '../../src/sandbox/cloudrun/emulator.js';
import { type StorageEmulator, startStorageEmulator } from '../../src/sandbox/storage/emulator.js';
import { CLI, type TempProject, tdl, tempProject } from './helpers.js';
import { truth } from './shard-truth.js';

const JUNIT = (id: string) =>
  `[node, --test, --test-reporter=junit, "--test-reporter-destination={reportDir}/${id}.xml"`;

const PLAYBOOK = `name: jobs-it
suites:
  - id: alpha
    tier: 1
    command: ${JUNIT('alpha')}, "{files}"]
    report: { format: junit, path: "{reportDir}/alpha.xml" }
    split: { by: files, glob: "test/a/*.test.js" }
    timeout: 60s
  - id: beta
    tier: 2
    command: ${JUNIT('beta')}, test/b/]
    report: { format: junit, path: "{reportDir}/beta.xml" }
    timeout: 60s
gates:
  - { afterTier: 1, minPassRate: 0.8 }
`;

const test = (body: string) => `import { test } from 'node:test';
import assert from 'node:assert/strict';
${body}
`;
const FILES: Record<string, string> = {
  'tdl.yaml': PLAYBOOK,
  'test/b/b.test.js': test(`test('b ok', () => assert.ok(true));
test('b fails', () => assert.equal(1, 2, 'one is not two'));`),
};
for (let i = 1; i <= 4; i++) FILES[`test/a/t${i}.test.js`] = test(`test('a${i}', () => assert.ok(true));`);

let cloudRun: CloudRunEmulator;
let storage: StorageEmulator;
let unsharded: TempProject;
let jobs: TempProject;

beforeAll(async () => {
  [cloudRun, storage, unsharded] = await Promise.all([
    startCloudRunEmulator({ project: 'it-proj', region: 'europe-west1' }),
    startStorageEmulator(),
    tempProject(FILES),
  ]);
  const remote = `gcp: { project: it-proj, region: europe-west1, endpoint: "${cloudRun.endpoint}", pollInterval: 50ms }
gcs: { bucket: tdl-it, endpoint: "${storage.endpoint}" }
`;
  jobs = await tempProject({ ...FILES, 'tdl.yaml': PLAYBOOK + remote });
  // The job's container: tdl in a checkout of the repository (here: the temp project).
  const container = { command: [process.execPath, CLI], cwd: jobs.dir, env: { CI: 'true', NO_COLOR: '1' } };
  cloudRun.jobs.addJob('tdl-shards', container);
  cloudRun.jobs.addJob('tdl-crashing', { ...container, failTasks: [1] });
}, 60_000);
afterAll(async () => {
  await Promise.all([cloudRun?.close(), storage?.close()]);
  unsharded?.cleanup();
  jobs?.cleanup();
});

describe('tdl run --executor cloud-run-jobs', () => {
  let plain: RunRecord;
  let sharded: RunRecord;
  let exit: number | undefined;
  beforeAll(async () => {
    const [a, b] = await Promise.all([
      tdl(unsharded.dir, ['run', '--json', '--publish', 'none']),
      tdl(jobs.dir, [
        'run',
        '--executor',
        'cloud-run-jobs',
        '--job',
        'tdl-shards',
        '--shards',
        '2',
        '--json',
        '--publish',
        'none',
      ]),
    ]);
    plain = JSON.parse(a.stdout) as RunRecord;
    sharded = JSON.parse(b.stdout) as RunRecord;
    exit = b.exitCode;
  }, 180_000);

  it('equals the unsharded run: counts, suites, tests, gates, clusters, decision, exit code', () => {
    expect(truth(plain).tests.length).toBe(6);
    expect(truth(sharded)).toEqual(truth(plain));
    expect(exit).toBe(plain.exitCode);
  });

  it('ran one execution per tier with the task count, through Cloud Storage', () => {
    const executions = [...cloudRun.jobs.executions.values()].filter((e) => e.job === 'tdl-shards');
    expect(executions.map((e) => [e.taskCount, e.succeeded + e.failed, e.completionTime !== null])).toEqual([
      [2, 2, true],
      [2, 2, true],
    ]);
    const names = [...storage.objects.keys()].filter((k) => k.includes(sharded.runId)).sort();
    expect(names).toEqual([
      `tdl-it/tdl/runs/${sharded.runId}/partials/tier-1-shard-1-of-2.json`,
      `tdl-it/tdl/runs/${sharded.runId}/partials/tier-1-shard-2-of-2.json`,
      `tdl-it/tdl/runs/${sharded.runId}/partials/tier-2-shard-1-of-2.json`,
      `tdl-it/tdl/runs/${sharded.runId}/partials/tier-2-shard-2-of-2.json`,
      `tdl-it/tdl/runs/${sharded.runId}/plan.json`,
    ]);
    // Each partial says which task wrote it.
    const partial = JSON.parse(
      storage.objects
        .get(`tdl-it/tdl/runs/${sharded.runId}/partials/tier-1-shard-2-of-2.json`)!
        .toString('utf8'),
    ) as { environment: Record<string, string> };
    expect(partial.environment).toMatchObject({ CLOUD_RUN_JOB: 'tdl-shards', CLOUD_RUN_TASK_INDEX: '1' });
    const md = readFileSync(sharded.worklog!.markdown, 'utf8');
    expect(md).toContain('**Shards**');
  });

  it('makes a tier with a failed task inconclusive (NO-GO), names the failure, never passes', async () => {
    const r = await tdl(jobs.dir, [
      'run',
      '--executor',
      'cloud-run-jobs',
      '--job',
      'tdl-crashing',
      '--shards',
      '2',
      '--json',
      '--publish',
      'none',
    ]);
    const record = JSON.parse(r.stdout) as RunRecord;
    const phase = phaseResult(record, 'run-tests')!;
    expect(phase.verdict).toBe('inconclusive');
    // The tier that lost a task's partial is incomplete (errored); the next one is not run.
    expect(phase.data!.tiers.map((t) => t.state)).toEqual(['errored', 'skipped']);
    const kinds = phase.findings.map((f) => f.kind);
    expect(kinds).toContain('job-tasks-failed');
    expect(phase.findings.find((f) => f.kind === 'job-tasks-failed')!.message).toMatch(
      /1 of 2 task\(s\) failed, 0 cancelled, 0 retried; logs: https:\/\/console\.cloud\.google\.com\/logs\/viewer\?project=/,
    );
    expect(record.decision?.decision).not.toBe('proceed');
    expect(r.exitCode).not.toBe(0);
    const md = readFileSync(record.worklog!.markdown, 'utf8');
    expect(md).toContain('1 of 2 task(s) failed');
  }, 120_000);

  it('refuses a run without --job or without a gcs section: exit 2, one line', async () => {
    const noJob = await tdl(jobs.dir, ['run', '--executor', 'cloud-run-jobs', '--shards', '2']);
    expect(noJob.exitCode).toBe(2);
    expect(noJob.stderr).toContain('--executor cloud-run-jobs needs --job <name>');
    const noGcs = await tdl(unsharded.dir, [
      'run',
      '--executor',
      'cloud-run-jobs',
      '--job',
      'x',
      '--shards',
      '2',
    ]);
    expect(noGcs.exitCode).toBe(2);
    expect(noGcs.stderr).toMatch(/tdl\.yaml: --executor cloud-run-jobs needs a gcp section/);
    expect(noGcs.stderr).not.toMatch(/\n\s+at /);
  });
});
