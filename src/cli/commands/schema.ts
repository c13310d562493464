import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the playbook JSON Schema (for editors), or with --run-record the run record one')
    .option('--run-record', 'print the JSON Schema of the run record that `tdl run --json` prints')
    .action(async (flags: { runRecord?: boolean }) => {
      const schema = flags.runRecord
        ? (await import('../../phase-data/record.js')).runRecordJsonSchema()
        : (await import('../../playbook/schema.js')).playbookJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
