import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('resume')
    .description('continue an interrupted run from its first unfinished phase')
    .argument('<runId>', 'the run id, e.g. tdl-20261122-030552-a1b2c3')
    .option('--json', 'print the run record as one JSON document on stdout')
    .option('--wait', 'if another run holds this repository, wait for it instead of failing')
    .action(async (runId: string, flags: { json?: boolean; wait?: boolean }) => {
      const { runWithTerminal } = await import('../terminal.js');
      await runWithTerminal(Boolean(flags.json), async (session) => {
        const { resumeRun } = await import('../../pipeline/session.js');
        return resumeRun(runId, { ...session, wait: Boolean(flags.wait) });
      });
    });
}
