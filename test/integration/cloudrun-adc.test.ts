/**
 * Real credentials path with no credentials at all: no emulator endpoint, an empty HOME and gcloud
 * folder, and METADATA_SERVER_DETECTION=none so that google-auth-library never probes the GCE
 * metadata address (tests only talk to loopback).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

let project: TempProject;
const home = mkdtempSync(join(tmpdir(), 'tdl-nohome-'));
const env = {
  HOME: home,
  CLOUDSDK_CONFIG: join(home, 'gcloud'),
  GOOGLE_APPLICATION_CREDENTIALS: '',
  TDL_CLOUDRUN_ENDPOINT: '',
  METADATA_SERVER_DETECTION: 'none',
  GITHUB_TOKEN: '',
  GH_TOKEN: '',
};

beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: adc\ngcp: { project: my-staging, region: us-central1 }\nservices:\n  - name: api\nsuites:\n${nodeSuite('unit', 1, 'test/')}`,
    'test/a.test.js': PASSING_TEST,
  });
});
afterAll(() => {
  project.cleanup();
  rmSync(home, { recursive: true, force: true });
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('Cloud Run without Application Default Credentials', () => {
  it('tdl status says so in one line with the hint, exit 3, no stack trace', async () => {
    const r = await tdl(project.dir, ['status'], env);
    expect(r.exitCode).toBe(3);
    const err = String(r.stderr);
    expect(err).toContain('tdl: loading Application Default Credentials: not authenticated');
    expect(err).toMatch(/hint: .*gcloud auth application-default login/);
    noStack(err);
  }, 60_000);

  it('tdl doctor reports it as a failed check with the fix and goes on, exit 1', async () => {
    const r = await tdl(project.dir, ['doctor'], env);
    expect(r.exitCode).toBe(1);
    const err = String(r.stderr);
    expect(err).toMatch(/✗ Application Default Credentials found: .*not authenticated/);
    expect(err).toContain('fix: run `gcloud auth application-default login`');
    expect(err).toContain('✓ playbook valid');
    noStack(err);
  }, 60_000);

  it('tdl run: phase 0 errored, unknown is never healthy, exit 3; the tests still ran', async () => {
    const r = await tdl(project.dir, ['run', '--json'], env);
    expect(r.exitCode).toBe(3);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    const p0 = record.phases.find((p) => p.id === 'deploy-status')!;
    expect(p0.state).toBe('errored');
    expect(p0.verdict).not.toBe('pass');
    expect(record.phases.find((p) => p.id === 'run-tests')!.verdict).toBe('pass');
    noStack(String(r.stderr));
  }, 60_000);
});
