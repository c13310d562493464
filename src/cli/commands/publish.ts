import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('publish')
    .description("send a run's outbox to GitHub (safe to repeat: nothing is filed twice)")
    .argument('<runId>', 'the run whose .tdl/runs/<runId>/outbox/ to send')
    .option('--dry-run', 'print what would be done, do nothing')
    .option('--json', 'print the outcome as one JSON document on stdout')
    .action(async (runId: string, flags: { dryRun?: boolean; json?: boolean }) => {
      const [{ sendOutbox }, { stateDirFor }, { printHuman, printJson }] = await Promise.all([
        import('../../phases/6-publish/send.js'),
        import('../../core/paths.js'),
        import('../../telemetry/outlet.js'),
      ]);
      const lines: string[] = [];
      const result = await sendOutbox({
        runId,
        stateDir: stateDirFor(process.cwd()),
        env: process.env,
        dryRun: Boolean(flags.dryRun),
        log: (line) => lines.push(line),
      });
      const { redactor } = result;
      for (const line of lines) printHuman(line, redactor);
      if (flags.json) printJson(result.outcome ?? { planned: result.planned }, redactor);
      else if (result.outcome) {
        for (const i of result.outcome.issues)
          printHuman(`${i.kind === 'master' ? 'master ' : ''}#${i.number} ${i.state} ${i.url}`, redactor);
        if (result.outcome.pull)
          printHuman(`pull request #${result.outcome.pull.number} ${result.outcome.pull.url}`, redactor);
      }
    });
}
