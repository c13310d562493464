import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check that this machine can run the playbook: a checklist with fixes')
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml)')
    .option('--json', 'print the checks as JSON')
    .action(async (flags: { playbook?: string; json?: boolean }) => {
      const { renderChecklist, runDoctor } = await import('../../pipeline/doctor.js');
      const results = await runDoctor({
        cwd: process.cwd(),
        env: process.env,
        ...(flags.playbook ? { playbook: flags.playbook } : {}),
      });
      if (flags.json)
        process.stdout.write(
          `${JSON.stringify({ ok: results.every((r) => r.ok), checks: results }, null, 2)}\n`,
        );
      else process.stderr.write(`${renderChecklist(results)}\n`);
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
}
