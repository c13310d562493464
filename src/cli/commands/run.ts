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
  plan?: string;
  tier?: string;
  shard?: string;
  out?: string;
  executor?: string;
  shards?: string;
  job?: string;
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
    .option(
      '--plan <file>',
      'sharded: run one shard of this plan (with --tier and --shard) and write its partial (a file or gs://bucket/name)',
    )
    .option('--tier <n>', 'with --plan: the tier to run')
    .option('--shard <i/N>', 'with --plan: this shard, 1-based (default: from CLOUD_RUN_TASK_INDEX/COUNT)')
    .option(
      '--out <file>',
      'with --plan: where to write the partial record (gs://bucket/folder/ uploads it there)',
    )
    .option(
      '--executor <name>',
      'run sharded: local (shards as local processes; the default with --shards) or cloud-run-jobs (needs --job)',
    )
    .option('--shards <n>', 'run sharded over n shards per tier (with --executor, default local)')
    .option('--job <name>', 'with --executor cloud-run-jobs: the Cloud Run job whose tasks run the shards')
    .action(async (flags: RunFlags) => {
      if (flags.plan || flags.executor || flags.shards !== undefined || flags.job) {
        const { runSharded } = await import('../shard.js');
        return runSharded(flags);
      }
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
