/** The git port's `head` (one `git status` process) on real repositories, against what git itself says. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGitPort } from '../../src/adapters/git/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-git-head-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
const port = createGitPort();

it('reads commit, branch and dirtiness as git rev-parse, symbolic-ref and status say', async () => {
  git('init', '-q', '-b', 'trunk');
  // No commit yet, and no repository at all: no head.
  expect(await port.head(dir)).toBeNull();
  expect(await port.head(tmpdir())).toBeNull();

  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'b\n');
  git('add', '.');
  git('commit', '-qm', 'first');
  const first = git('rev-parse', 'HEAD');
  expect(await port.head(dir)).toEqual({ commit: first, branch: 'trunk', dirty: false });

  // An untracked file is not a change; a modified tracked file is, but only under the folder asked.
  writeFileSync(join(dir, 'new.txt'), 'new\n');
  expect((await port.head(dir))?.dirty).toBe(false);
  writeFileSync(join(dir, 'a.txt'), 'changed\n');
  expect((await port.head(dir))?.dirty).toBe(true);
  expect(await port.head(join(dir, 'sub'))).toEqual({ commit: first, branch: 'trunk', dirty: false });
  git('checkout', '-q', 'a.txt');

  // A branch name with a slash, then a detached HEAD (no branch).
  git('checkout', '-q', '-b', 'fix/tool-events');
  git('commit', '-q', '--allow-empty', '-m', 'second');
  const second = git('rev-parse', 'HEAD');
  expect(await port.head(dir)).toEqual({ commit: second, branch: 'fix/tool-events', dirty: false });
  git('checkout', '-q', '--detach', first);
  expect(await port.head(dir)).toEqual({ commit: first, branch: null, dirty: false });
});
