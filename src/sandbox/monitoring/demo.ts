/**
 * The Cloud Monitoring emulator as the demo uses it: demo-backend's tested revision is Ready and
 * fresh, and 5% of its requests in the last minutes answered 5xx (so its metric band defers the run);
 * demo-frontend has no metrics at all (its band is inconclusive, not passed).
 */
import { DEMO_BACKEND } from '../cloudrun/demo.js';
import type { DemoSandbox } from '../types.js';
import { startMonitoringEmulator } from './emulator.js';

export async function startDemoMonitoring(): Promise<DemoSandbox> {
  const emulator = await startMonitoringEmulator({ project: 'demo-staging' });
  const now = Date.now();
  const minute = 60_000;
  emulator.state.addRequests(
    [5, 4, 3, 2, 1].flatMap((m) => [
      {
        service: 'demo-backend',
        revision: DEMO_BACKEND.tested,
        at: now - m * minute,
        count: 19,
        codeClass: '2xx' as const,
        latencyMs: [80, 95, 120, 140, 310],
      },
      {
        service: 'demo-backend',
        revision: DEMO_BACKEND.tested,
        at: now - m * minute,
        count: 1,
        codeClass: '5xx' as const,
        latencyMs: 450,
      },
    ]),
  );
  return {
    name: 'monitoring',
    env: { TDL_MONITORING_ENDPOINT: emulator.endpoint },
    async describe() {
      return [
        `Cloud Monitoring emulator (${emulator.endpoint}) holds request metrics of ${DEMO_BACKEND.tested}: 95 2xx and 5 5xx in the last 5 minutes.`,
      ];
    },
    close: () => emulator.close(),
  };
}
