import type { Command } from 'commander';
import { NotBuiltError } from '../../pipeline/errors.js';

export function register(program: Command): void {
  program
    .command('publish')
    .description("send a run's outbox to GitHub (not available in this version)")
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      throw new NotBuiltError('tdl publish');
    });
}
