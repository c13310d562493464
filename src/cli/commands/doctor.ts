import type { Command } from 'commander';
import { NotBuiltError } from '../../pipeline/errors.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check that this machine can run the playbook (not available in this version)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      throw new NotBuiltError('tdl doctor');
    });
}
