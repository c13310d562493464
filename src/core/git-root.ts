/** Where a repository starts, found on the file system alone (no git process: it is on start-up paths). */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The nearest folder at or above `start` that holds `.git`, or undefined. */
export function findGitRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(resolve(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
