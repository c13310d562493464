/**
 * docs/cli.md, generated from the command tree itself (program.ts): the synopsis and every option of
 * every command, as `tdl <command> --help` prints them at a fixed width. The README's command list
 * links here instead of keeping a hand-written copy. test/unit/docs-generated.test.ts fails when the
 * file is stale; `npm run docs` rewrites it.
 */
import type { Command } from 'commander';
import { buildProgram } from './program.js';

const WIDTH = 100;

function helpOf(command: Command): string {
  const help = command.createHelp();
  help.helpWidth = WIDTH;
  return help.formatHelp(command, help).trimEnd();
}

export function cliReference(): string {
  const program = buildProgram();
  const lines = [
    '# Command line reference',
    '',
    '<!-- Generated from src/cli/program.ts by `npm run docs`; do not edit. -->',
    '',
    'What `tdl --help` and `tdl <command> --help` print. Exit codes: see the README.',
    '',
    '```text',
    helpOf(program),
    '```',
  ];
  for (const command of program.commands) {
    lines.push('', `## tdl ${command.name()}`, '', '```text', helpOf(command), '```');
    for (const sub of command.commands)
      lines.push('', `### tdl ${command.name()} ${sub.name()}`, '', '```text', helpOf(sub), '```');
  }
  return `${lines.join('\n')}\n`;
}
