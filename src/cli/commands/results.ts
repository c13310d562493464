import type { Command } from 'commander';

interface ResultsFlags {
  format: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('results')
    .description(
      'read test reports and print their counts (exit 0 all passed, 1 failures or unknown, 2 unreadable)',
    )
    .argument('<file...>', 'report files (JUnit XML, vitest/jest JSON, TAP, go test -json)')
    .option('--format <format>', 'auto | junit | vitest-json | jest-json | tap | go-json', 'auto')
    .option('--json', 'print { total, passed, failed, errored, skipped, durationMs, files, cases } as JSON')
    .action(async (files: string[], flags: ResultsFlags) => {
      const { runResults } = await import('../results.js');
      process.exitCode = await runResults(files, flags.format, Boolean(flags.json));
    });
}
