#!/usr/bin/env node
/**
 * The tdl command line. Command files register their options and load their implementation lazily,
 * so `tdl --version` loads neither Google nor GitHub libraries.
 */
import module from 'node:module';
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../core/version.js';
import * as audit from './commands/audit.js';
import * as doctor from './commands/doctor.js';
import * as init from './commands/init.js';
import * as mcp from './commands/mcp.js';
import * as merge from './commands/merge.js';
import * as plan from './commands/plan.js';
import * as publish from './commands/publish.js';
import * as results from './commands/results.js';
import * as resume from './commands/resume.js';
import * as run from './commands/run.js';
import * as schema from './commands/schema.js';
import * as status from './commands/status.js';
import * as worklogs from './commands/worklogs.js';

// Node 22.1+ caches compiled code between runs (no effect on Node 20, where it does not exist).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const COMMANDS = [
  run,
  plan,
  merge,
  resume,
  status,
  results,
  audit,
  publish,
  worklogs,
  init,
  doctor,
  schema,
  mcp,
];

export function buildProgram(): Command {
  const program = new Command('tdl')
    .description('the test-deploy loop as a program')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run tdl --help for usage)')
    .exitOverride();
  for (const c of COMMANDS) c.register(program);
  return program;
}

// A reader that stops reading (`tdl audit --json | head`) is not tdl's failure: the rest of the output
// has nowhere to go, and the command still ends with its own exit code instead of a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // EIO: the terminal went away (SIGHUP); the run still ends by itself.
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });

// A promise rejected with nobody listening is a bug (ours or a library's). Node would end the process
// with exit 1, which an agent would read as "defer"; instead report it as an internal error, let the
// run finish its worklog, and end with exit 3.
let leaked = false;
process.on('unhandledRejection', (reason) => {
  leaked = true;
  void import('./errors.js').then(({ reportError }) => reportError(reason));
});
process.on('exit', () => {
  if (leaked) process.exitCode = 3;
});

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exit 0; commander already printed its message for the rest.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const { reportError } = await import('./errors.js');
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
