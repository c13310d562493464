import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('merge')
    .description(
      'merge the partial records of a sharded run: one tier (--tier: completeness, gate, go/no-go) or the whole run (--finish: phases 3-6, one worklog)',
    )
    .argument('[partials...]', 'partial record files written by `tdl run --plan … --shard i/N`')
    .option('--plan <file>', 'the plan the partials were run from')
    .option('--tier <n>', 'merge this tier: exit 0 GO, 1 NO-GO (a failed gate, or a tier that is incomplete)')
    .option('--finish', 'merge every tier and finish the run: phases 3-6 once, one worklog, publish')
    .option('-p, --playbook <file>', "playbook file (default: the plan's, in this checkout)")
    .option('--publish <target>', 'with --finish: github | outbox | none')
    .option('--out <file>', 'with --tier: also write the tier summary to this file')
    .option('--json', 'print the tier summary (or with --finish the run record) as JSON on stdout')
    .action(async (files: string[], flags) => {
      const { runMerge } = await import('../shard.js');
      await runMerge(files, flags);
    });
}
