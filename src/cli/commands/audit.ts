import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('audit')
    .description('audit the code for single-source-of-truth violations (the rules in the playbook)')
    .argument('[dir]', 'folder to audit (default: the repository under test)')
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml)')
    .option('--json', 'print the audit as one JSON document on stdout')
    .option('--sarif <file>', 'also write SARIF 2.1.0 to this file')
    .option('--base <ref>', 'mark violations introduced since this git ref (not checked out)')
    .option('--update-baseline', 'write the baseline (.tdl/audit-baseline.json) from this audit')
    .option('--strict', 'also fail when the baseline holds entries that no longer occur')
    .option(
      '--rule <id>',
      'only this rule (repeatable, or comma-separated; an external auditor id, or <auditor>/<rule>)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (dir: string | undefined, flags: Record<string, unknown>) => {
      // The reader threads and the file listing start first, so that they overlap loading the
      // playbook's libraries (zod, yaml) and the audit itself.
      (await import('../../audit/readers.js')).prestartReaders();
      const [{ startListing, likelyAuditRoot }, { createGitPort }] = await Promise.all([
        import('../../audit/listing.js'),
        import('../../adapters/git/index.js'),
      ]);
      const cwd = process.cwd();
      const listing = startListing(createGitPort(), likelyAuditRoot(dir, cwd));
      const { auditCommand } = await import('../../audit/command.js');
      process.exitCode = await auditCommand(dir, flags, cwd, listing);
    });
}
