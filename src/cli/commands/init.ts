import type { Command } from 'commander';

interface InitFlags {
  output: string;
  force?: boolean;
  gcpProject?: string;
  region?: string;
  service: string[];
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write a starting playbook (tdl.yaml) for the repository in this folder')
    .option('-o, --output <file>', 'playbook file to write', 'tdl.yaml')
    .option('--force', 'overwrite an existing playbook')
    .option('--gcp-project <project>', 'Cloud Run project (with --region and --service)')
    .option('--region <region>', 'Cloud Run region')
    .option(
      '--service <name>',
      'a Cloud Run service to check (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--json', 'print what was written as JSON')
    .action(async (flags: InitFlags) => {
      const { initPlaybook } = await import('../../playbook/init/index.js');
      const result = await initPlaybook({
        cwd: process.cwd(),
        output: flags.output,
        force: Boolean(flags.force),
        ...(flags.gcpProject ? { gcpProject: flags.gcpProject } : {}),
        ...(flags.region ? { region: flags.region } : {}),
        services: flags.service,
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      process.stderr.write(
        [
          `wrote ${flags.output} for ${result.name}: ${result.suites.length ? `suites ${result.suites.join(', ')}` : 'no test runner found (edit the placeholder suite)'}${result.githubRepo ? `; github ${result.githubRepo}` : ''}; base ${result.baseBranch.ref} (${result.baseBranch.from})`,
          result.gitignoreUpdated ? 'added .tdl/ to .gitignore' : '.tdl/ already in .gitignore',
          'next: tdl run --dry-run, then tdl doctor, then tdl run',
          '',
        ].join('\n'),
      );
    });
}
