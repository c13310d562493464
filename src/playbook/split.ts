/**
 * Suites that may be split across shards (`split:` in the playbook): the files a glob matches, and
 * the command of the whole suite when it runs unsplit (every file; runner shard 1 of 1).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { expandChunk } from './placeholders.js';
import type { SuiteConfig } from './sections/suites.js';

const SKIP_DIRS = new Set(['node_modules', '.git', '.tdl']);

/** Files under `dir` matching `glob` (relative to `dir`, `/`-separated, sorted). */
export function globFiles(dir: string, glob: string): string[] {
  const match = picomatch(glob, { dot: false });
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(path);
      } else if (e.isFile() && match(path)) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

/**
 * The command of a split suite run whole (an unsharded run): `{files}` is every file of the glob
 * (found in `cwd`, the suite's folder), `{shardIndex}/{shardCount}` is 1/1. Unchanged otherwise.
 */
export function wholeSuiteCommand(suite: Pick<SuiteConfig, 'command' | 'split'>, cwd: string): string[] {
  if (suite.split?.by === 'files' && suite.command.some((a) => a.includes('{files}')))
    return expandChunk(suite.command, { files: globFiles(cwd, suite.split.glob) });
  if (suite.split?.by === 'runner') return expandChunk(suite.command, { runner: { index: 1, count: 1 } });
  return [...suite.command];
}
