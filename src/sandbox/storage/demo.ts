/** The Cloud Storage emulator as the demo uses it: where a sharded demo run leaves plans and partials. */
import type { DemoSandbox } from '../types.js';
import { startStorageEmulator } from './emulator.js';

export async function startDemoStorage(): Promise<DemoSandbox> {
  const emulator = await startStorageEmulator();
  return {
    name: 'storage',
    env: { TDL_GCS_ENDPOINT: emulator.endpoint },
    async describe() {
      if (emulator.objects.size === 0) return [];
      return [
        '',
        `Cloud Storage emulator (${emulator.endpoint}) now holds:`,
        ...[...emulator.objects.keys()].sort().map((k) => `  gs://${k}`),
      ];
    },
    close: () => emulator.close(),
  };
}
