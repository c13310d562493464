import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('resume')
    .description('continue an interrupted run from its first unfinished phase')
    .argument('<runId>', 'the run id, e.g. tdl-20261122-030552-a1b2c3')
    .option('--json', 'print the run record as one JSON document on stdout')
    .action(async (runId: string, flags: { json?: boolean }) => {
      const { runWithTerminal } = await import('../terminal.js');
      await runWithTerminal(Boolean(flags.json), async (session) => {
        const { resumeRun } = await import('../../pipeline/session.js');
        return resumeRun(runId, session);
      });
    });
}
