import type { Command } from 'commander';

interface RunFlags {
  playbook?: string;
  focus: string;
  deploy?: boolean;
  dryRun?: boolean;
  publish?: string;
  untilGreen?: boolean;
  maxIterations?: string;
  only?: string;
  json?: boolean;
  wait?: boolean;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run the whole loop: deployment, tests by tier, audit, decision, worklog, publish')
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml)')
    .option('--focus <category>', '"all" or a suite category', 'all')
    .option('--deploy', 'deploy stale services before testing')
    .option('--dry-run', 'plan and render only: no suites, deploys or GitHub writes')
    .option('--publish <target>', 'github | outbox | none (default: github with a token, else outbox)')
    .option('--until-green', 'repeat remediation and runs until green')
    .option('--max-iterations <n>', 'with --until-green: at most this many runs', '3')
    .option('--only <phases>', 'comma-separated phase ids to run; the others are skipped')
    .option('--json', 'print the run record as one JSON document on stdout')
    .option('--wait', 'if another run holds this repository, wait for it instead of failing')
    .action(async (flags: RunFlags) => {
      const { parseOnly, parsePositiveInt, parsePublish } = await import('../options.js');
      if (flags.untilGreen && flags.dryRun) {
        const { UsageError } = await import('../../core/errors.js');
        throw new UsageError(
          'EOPTION',
          '--until-green cannot be combined with --dry-run (it runs remediation)',
        );
      }
      const options = {
        focus: flags.focus,
        deploy: Boolean(flags.deploy),
        dryRun: Boolean(flags.dryRun),
        publish: parsePublish(flags.publish),
        only: parseOnly(flags.only),
        untilGreen: Boolean(flags.untilGreen),
        maxIterations: parsePositiveInt('--max-iterations', flags.maxIterations, 3),
      };
      const { runWithTerminal } = await import('../terminal.js');
      await runWithTerminal(Boolean(flags.json), async (session) => {
        const { locatePlaybook } = await import('../../playbook/load.js');
        const { startRun } = await import('../../pipeline/session.js');
        return startRun(locatePlaybook(flags.playbook), options, { ...session, wait: Boolean(flags.wait) });
      });
    });
}
