import type { Command } from 'commander';

interface PlanFlags {
  playbook?: string;
  focus: string;
  shards?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description(
      'plan a sharded run: fix the run id, and per tier deal the suites (and their chunks) to N shards',
    )
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml)')
    .option('--focus <category>', '"all" or a suite category', 'all')
    .option('--shards <n>', 'shards per tier', '1')
    .option('--out <file>', 'also write the plan to this file')
    .option('--json', 'print the plan as one JSON document on stdout')
    .action(async (flags: PlanFlags) => {
      const { parsePositiveInt } = await import('../options.js');
      const shards = parsePositiveInt('--shards', flags.shards, 1);
      const { locatePlaybook, loadPlaybook } = await import('../../playbook/load.js');
      const { makePlan } = await import('../../shard/planner.js');
      const { printHuman, printJson, writeJsonAtomic } = await import('../../telemetry/outlet.js');
      const { Redactor } = await import('../../telemetry/redact.js');
      const { renderPlan } = await import('../../shard/summary.js');
      const playbook = loadPlaybook(locatePlaybook(flags.playbook));
      const plan = await makePlan(
        playbook,
        { focus: flags.focus, shards },
        { humanLog: flags.json ? null : process.stderr },
      );
      const none = new Redactor();
      if (flags.out) writeJsonAtomic(flags.out, plan, none);
      if (flags.json) printJson(plan, none);
      else printHuman(renderPlan(plan), none, process.stdout);
    });
}
