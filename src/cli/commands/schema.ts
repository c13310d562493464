import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the playbook JSON Schema (for editors and validation)')
    .action(async () => {
      const { playbookJsonSchema } = await import('../../playbook/schema.js');
      process.stdout.write(`${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
    });
}
