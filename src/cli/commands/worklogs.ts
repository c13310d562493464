import type { Command } from 'commander';
import { NotBuiltError } from '../../pipeline/errors.js';

export function register(program: Command): void {
  program
    .command('worklogs')
    .description('list runs and trends (not available in this version)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      throw new NotBuiltError('tdl worklogs');
    });
}
