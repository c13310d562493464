/** A loopback emulator started for the demo: the environment that points tdl at it, and a stop. */
export interface DemoSandbox {
  name: string;
  /** Environment variables for the tdl child (endpoints, sandbox tokens). */
  env: Record<string, string>;
  /** Lines to print after the run (what the emulator now holds, e.g. the issues filed). */
  describe(): Promise<string[]>;
  close(): Promise<void>;
}
