/**
 * The Cloud Run emulator as the demo uses it: three services of the demo playbook, one of them stale
 * (its ready revision is two days old) so phase 0 has something real to report.
 */
import { fileURLToPath } from 'node:url';
import type { DemoSandbox } from '../types.js';
import { startCloudRunEmulator } from './emulator.js';

const HOUR = 3_600_000;

/** The Cloud Run job a sharded demo runs its shards on. */
export const DEMO_JOB = 'tdl-demo-shards';

/** demo-backend's revisions (named, so the logging and monitoring sandboxes can hold their data). */
export const DEMO_BACKEND = {
  previous: 'demo-backend-00001-tep',
  tested: 'demo-backend-00002-alw',
  /** The tested revision was created this long before the demo started. */
  testedAgeMs: 2 * HOUR,
};

export async function startDemoCloudRun(): Promise<DemoSandbox | null> {
  const emulator = await startCloudRunEmulator({ project: 'demo-staging', region: 'us-central1' });
  const { state } = emulator;
  state.addService({
    name: 'demo-backend',
    revisions: [
      { name: DEMO_BACKEND.previous, ageMs: 30 * HOUR },
      { name: DEMO_BACKEND.tested, ageMs: DEMO_BACKEND.testedAgeMs },
    ],
  });
  state.addService({ name: 'demo-auth', revisions: [{ ageMs: 5 * HOUR }] });
  state.addService({ name: 'demo-frontend', revisions: [{ ageMs: 52 * HOUR }] });
  // `npm run demo -- --shards N`: a job whose container is tdl in this checkout (each task a process).
  emulator.jobs.addJob(DEMO_JOB, {
    command: [process.execPath, fileURLToPath(new URL('../../cli/main.cjs', import.meta.url))],
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    env: { NO_COLOR: '1' },
    timeoutMs: 10 * 60_000,
  });
  return {
    name: 'cloudrun',
    env: { TDL_CLOUDRUN_ENDPOINT: emulator.endpoint },
    async describe() {
      return [
        '',
        `Cloud Run emulator (${emulator.endpoint}) now holds:`,
        ...state.serviceNames().map((s) => `  ${s}: revisions ${state.revisionNames(s).join(', ')}`),
      ];
    },
    close: () => emulator.close(),
  };
}
