/**
 * The Cloud Logging emulator as the demo uses it. The demo service's tests write the error entries of
 * their own requests into it (through the real client, carrying their TRACEPARENT); here it starts
 * with what demo-backend's previous revision logged before the tested one replaced it (the baseline
 * of `no-new-errors`).
 */
import { DEMO_BACKEND } from '../cloudrun/demo.js';
import type { DemoSandbox } from '../types.js';
import { startLoggingEmulator } from './emulator.js';

export async function startDemoLogging(): Promise<DemoSandbox> {
  const emulator = await startLoggingEmulator({ project: 'demo-staging' });
  const replacedAt = Date.now() - DEMO_BACKEND.testedAgeMs;
  emulator.state.add(
    [3, 2, 1].map((s) => ({
      service: 'demo-backend',
      revision: DEMO_BACKEND.previous,
      severity: 'ERROR',
      json: { message: `redis connection reset by peer after ${s * 120} ms` },
      at: replacedAt - s * 1000,
      trace: `projects/demo-staging/traces/${String(s).repeat(32)}`,
    })),
  );
  return {
    name: 'logging',
    env: { TDL_LOGGING_ENDPOINT: emulator.endpoint, GOOGLE_CLOUD_PROJECT: 'demo-staging' },
    async describe() {
      return [`Cloud Logging emulator (${emulator.endpoint}) holds ${emulator.state.size} log entries.`];
    },
    close: () => emulator.close(),
  };
}
