import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('status')
    .description("check the Cloud Run revisions of the playbook's services (phase 0 alone, read-only)")
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml)')
    .option('--json', 'print the status as one JSON document on stdout')
    .action(async (flags: { playbook?: string; json?: boolean }) => {
      const { locatePlaybook, loadPlaybook } = await import('../../playbook/load.js');
      const { runStatus, renderStatusText } = await import('../../phases/0-deploy-status/status.js');
      const { Redactor } = await import('../../telemetry/redact.js');
      const { printJson } = await import('../../telemetry/outlet.js');
      const file = locatePlaybook(flags.playbook);
      const report = await runStatus(file, process.env);
      const redactor = Redactor.fromEnv(loadPlaybook(file).redact.env);
      if (flags.json) printJson(report, redactor);
      else process.stdout.write(`${redactor.redact(renderStatusText(report))}\n`);
      process.exitCode = report.exitCode;
    });
}
