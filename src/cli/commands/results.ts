import type { Command } from 'commander';
import { NotBuiltError } from '../../pipeline/errors.js';

export function register(program: Command): void {
  program
    .command('results')
    .description('read test reports and print their counts (not available in this version)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      throw new NotBuiltError('tdl results');
    });
}
