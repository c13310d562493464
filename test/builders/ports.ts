/**
 * Fake ports for in-process runs: git through the real git adapter over a fake runner (only
 * `git status` answers, with the commits given), a process port that records the commands and
 * runs none, and cloud/GitHub ports that fail if a test reaches them; a stream that keeps its text.
 */

import { Writable } from 'node:stream';
import { createGitPort } from '../../src/adapters/git/index.js';
import type { Ports } from '../../src/adapters/index.js';
import type { CommandResult, ProcessPort, RunCommandOptions } from '../../src/adapters/process/port.js';

/** A command's result: exit 0 at once, no output, unless told otherwise. */
export function commandResult(overrides: Partial<CommandResult> = {}): CommandResult {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    cancelled: false,
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
    outputTail: '',
    outputBytes: 0,
    logTruncated: false,
    ...overrides,
  };
}

export interface FakePorts extends Ports {
  /** Every command given to the process port, with the options it was given. */
  commands: { argv: readonly string[]; options: RunCommandOptions }[];
  /** Every `git` call, as its argv. */
  gitCalls: string[][];
}

/**
 * `heads`: the commit HEAD is at on each successive `git status` (the last one repeats); an empty
 * list makes the folder "not a git repository".
 */
export function fakePorts(
  heads: readonly string[] = ['0123456789abcdef0123456789abcdef01234567'],
): FakePorts {
  const commands: FakePorts['commands'] = [];
  const gitCalls: string[][] = [];
  let reads = 0;
  const git = createGitPort(async (_cwd, args) => {
    gitCalls.push(args);
    const commit = heads[Math.min(reads, heads.length - 1)];
    if (args[0] !== 'status' || commit === undefined)
      return { ok: false, exitCode: 128, stdout: '', stderr: 'fatal: not faked' };
    reads += 1;
    return { ok: true, exitCode: 0, stdout: `# branch.oid ${commit}\n# branch.head main\n`, stderr: '' };
  });
  const process: ProcessPort = {
    async run(argv, options) {
      commands.push({ argv, options });
      // Started at once, as the real adapter says once the process runs.
      options.onStart?.({ pgid: 0, token: options.token ?? 'fake', startTicks: null });
      return commandResult();
    },
  };
  const unreachable = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} is not part of this test`);
  };
  return {
    commands,
    gitCalls,
    git,
    process,
    cloudRun: unreachable('Cloud Run'),
    github: unreachable('GitHub'),
    logs: unreachable('Cloud Logging'),
    metrics: unreachable('Cloud Monitoring'),
  };
}

/** A writable stream that keeps what is written to it (for what the CLI prints). */
export function textSink(): { stream: NodeJS.WritableStream; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}
