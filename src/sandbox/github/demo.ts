/** The GitHub emulator as the demo uses it. Not built in this version: the demo runs without it. */
import type { DemoSandbox } from '../types.js';

export async function startDemoGitHub(): Promise<DemoSandbox | null> {
  return null;
}
