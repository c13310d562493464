import type { Command } from 'commander';
import { NotBuiltError } from '../../pipeline/errors.js';

export function register(program: Command): void {
  program
    .command('status')
    .description(
      "check the Cloud Run revisions of the playbook's services (phase 0 alone) (not available in this version)",
    )
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      throw new NotBuiltError('tdl status');
    });
}
