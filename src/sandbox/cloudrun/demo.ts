/** The Cloud Run emulator as the demo uses it. Not built in this version: the demo runs without it. */
import type { DemoSandbox } from '../types.js';

export async function startDemoCloudRun(): Promise<DemoSandbox | null> {
  return null;
}
