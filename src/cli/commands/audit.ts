import type { Command } from 'commander';
import { NotBuiltError } from '../../pipeline/errors.js';

export function register(program: Command): void {
  program
    .command('audit')
    .description('audit the code for single-source-of-truth violations (not available in this version)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      throw new NotBuiltError('tdl audit');
    });
}
