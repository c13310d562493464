/**
 * The tdl command line (main.cts loads it once Node's compile cache is on). Command files register
 * their options and load their implementation lazily, so `tdl --version` loads neither Google nor
 * GitHub libraries.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

// A reader that stops reading (`tdl audit --json | head`) is not tdl's failure: the rest of the output
// has nowhere to go, and the command still ends with its own exit code instead of a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // EIO: the terminal went away (SIGHUP); the run still ends by itself.
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });

// A promise rejected with nobody listening is a bug (ours or a library's). Node would end the process
// with exit 1, which an agent would read as "defer"; instead report it as an internal error, let the
// run finish its worklog, and end with exit 3.
let leaked = false;
process.on('unhandledRejection', (reason) => {
  leaked = true;
  void import('./errors.js').then(({ reportError }) => reportError(reason));
});
process.on('exit', () => {
  if (leaked) process.exitCode = 3;
});

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exit 0; commander already printed its message for the rest.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const { reportError } = await import('./errors.js');
    process.exitCode = reportError(error);
  }
}

void main(process.argv);
