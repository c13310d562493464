import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('status')
    .description("check the Cloud Run revisions of the playbook's services (phase 0 alone, read-only)")
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml)')
    .option('--json', 'print the status as one JSON document on stdout')
    .option('--logs', "also read each revision's error log groups and metric bands (read-only)")
    .option('--since <duration>', 'with --logs: how far back to read, e.g. 15m, 1h (default 1h)', '1h')
    .action(async (flags: { playbook?: string; json?: boolean; logs?: boolean; since: string }) => {
      const { locatePlaybook, loadPlaybook } = await import('../../playbook/load.js');
      const { runStatus, renderStatusText } = await import('../../pipeline/status.js');
      const { Redactor } = await import('../../telemetry/redact.js');
      const { printHuman, printJson } = await import('../../telemetry/outlet.js');
      const { parseDuration } = await import('../../playbook/sections/common.js');
      const { UsageError } = await import('../../core/errors.js');
      const since = parseDuration(flags.since);
      if (since === undefined || since <= 0)
        throw new UsageError('EUSAGE', `--since ${flags.since}: expected a duration like 15m or 1h`);
      const file = locatePlaybook(flags.playbook);
      const report = await runStatus(file, process.env, flags.logs ? { logsSinceMs: since } : {});
      const redactor = Redactor.fromEnv(loadPlaybook(file).redact.env);
      if (flags.json) printJson(report, redactor);
      else printHuman(renderStatusText(report), redactor, process.stdout);
      process.exitCode = report.exitCode;
    });
}
