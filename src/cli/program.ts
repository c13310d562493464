/** The command tree of `tdl`: every command registers its options (main.cts runs it, docs/cli.md shows it). */
import { Command } from 'commander';
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
