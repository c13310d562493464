/**
 * main.cjs's V8 code cache of the command line bundle (src/cli/main.cts): written once per command and
 * build into the user's own folder under the OS temp folder, used as it is afterwards, never read
 * from a folder others can write to, the oldest of a command's caches evicted.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { CLI } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tdl-code-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cacheDir = (tmp: string) => join(tmp, `tdl-compile-cache-${process.getuid?.() ?? 'user'}`);
const version = async (tmp: string, env: Record<string, string> = {}) => {
  const r = await execa(process.execPath, [CLI, '--version'], {
    env: { TMPDIR: tmp, ...env },
    reject: false,
  });
  expect(r.exitCode).toBe(0);
  expect(String(r.stdout).trim()).toMatch(/^\d+\.\d+\.\d+$/);
};

it('writes the cache on the first run, private to the user, and uses it as it is afterwards', async () => {
  const tmp = join(root, 'a');
  mkdirSync(tmp);
  await version(tmp);
  const dir = cacheDir(tmp);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^_-[0-9a-f]{8}[0-9a-f]+-v\d+\.\d+\.\d+-\w+\.v8$/);
  const file = join(dir, files[0]!);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(file).size).toBeGreaterThan(10_000);
  // Accepted by V8 the next time: not written again.
  const before = statSync(file).mtimeMs;
  utimesSync(file, new Date(before - 60_000), new Date(before - 60_000));
  const aged = statSync(file).mtimeMs;
  await version(tmp);
  expect(statSync(file).mtimeMs).toBe(aged);
  expect(readdirSync(dir)).toEqual(files);
});

it('neither reads nor writes a cache in a folder others can write to, nor when turned off', async () => {
  const tmp = join(root, 'b');
  mkdirSync(tmp);
  const dir = cacheDir(tmp);
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  // A planted "cache" would be run as compiled code if it were read.
  writeFileSync(join(dir, 'planted.v8'), 'x');
  await version(tmp);
  expect(readdirSync(dir)).toEqual(['planted.v8']);

  const off = join(root, 'c');
  mkdirSync(off);
  await version(off, { NODE_DISABLE_COMPILE_CACHE: '1' });
  expect(readdirSync(off)).toEqual([]);
});

it("keeps a command's newest caches and evicts the oldest", async () => {
  const tmp = join(root, 'd');
  mkdirSync(tmp);
  const dir = cacheDir(tmp);
  mkdirSync(dir, { mode: 0o700 });
  const now = Date.now() / 1000;
  for (let i = 0; i < 10; i++) {
    const f = join(dir, `_-${String(i).padStart(20, '0')}.v8`);
    writeFileSync(f, 'older build');
    utimesSync(f, now - 1000 + i, now - 1000 + i);
  }
  writeFileSync(join(dir, 'run-00000000000000000000.v8'), 'another command');
  await version(tmp);
  const left = readdirSync(dir).sort();
  // This build's cache and the 7 newest others of the command; other commands' caches stay.
  expect(left.filter((f) => f.startsWith('_-'))).toHaveLength(8);
  expect(left).not.toContain(`_-${'0'.repeat(20)}.v8`);
  expect(left).toContain(`_-${'9'.padStart(20, '0')}.v8`);
  expect(left).toContain('run-00000000000000000000.v8');
});

it('ships the bundle as ASCII, so that it is read as Latin-1, and keeps the text of its strings', async () => {
  const bundle = readFileSync(join(dirname(CLI), 'tdl.cjs'));
  const at = bundle.findIndex((b) => b > 0x7f);
  expect(at, `a non-ASCII byte at ${at} of tdl.cjs`).toBe(-1);
  // A non-ASCII character of a string is escaped in the bundle and printed as itself.
  const r = await execa(process.execPath, [CLI, 'worklogs', '--help'], { reject: false });
  expect(r.exitCode).toBe(0);
  expect(String(r.stdout)).toContain('suite › group › name');
  expect(bundle.includes('\\u203a')).toBe(true);
});
