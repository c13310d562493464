#!/usr/bin/env node
/**
 * The tdl command line's entry. The command line itself (cli.ts) ships as one CommonJS bundle,
 * `tdl.cjs` beside this file (scripts/bundle.mjs), compiled here with V8's code cache: a run then
 * starts from the compiled code of the previous run of the same command instead of parsing and
 * compiling ~2 MB of JavaScript again (on Node 20, which has no compile cache of its own for ES
 * modules, that was the largest part of a run's fixed cost; issue 16, docs/performance.md).
 *
 * The cache is a file per command and build in the OS temp folder (`tdl-compile-cache-<uid>/`, as
 * Node's own compile cache), written when the process exits if there was none or V8 refused it
 * (another Node version, other V8 flags). V8 checks only the source's length against a cache, so its
 * name holds a hash of the source. A cache is compiled code that this process runs: the folder is
 * used only when it belongs to this user and nobody else can write to it. The newest few caches of
 * each command are kept, so several builds or installs in use side by side do not evict each other.
 * NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch) turns it off.
 * Without the bundle (a plain `tsc` build), cli.ts is imported as an ES module.
 */
import buffer = require('node:buffer');
import fs = require('node:fs');
import nodeModule = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');
import zlib = require('node:zlib');

const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = fs;
const { dirname, join } = path;

// Node 22.1+ also caches the ES modules loaded later (the Google and GitHub clients); a no-op where
// the call does not exist (Node 20).
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const bundle = join(__dirname, 'tdl.cjs');
/** Caches kept per command (several builds or installs may be in use at once). */
const KEEP = 8;

/** Whether `dir` is this user's alone (else a cache found there is not run). */
function ownFolder(dir: string): boolean {
  try {
    const st = statSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Runs the CommonJS bundle as Node would run it, its compiled code taken from and kept in the cache. */
function runBundle(file: string): void {
  const bytes = readFileSync(file);
  // The bundle is ASCII (scripts/bundle.mjs escapes the rest): read as Latin-1, a copy of the bytes,
  // instead of decoding UTF-8; any other file is decoded as UTF-8.
  const source = buffer.isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const useCache = !process.env.NODE_DISABLE_COMPILE_CACHE;
  const command = /^[a-z][a-z-]*$/.test(process.argv[2] ?? '') ? process.argv[2] : '_';
  const dir = join(os.tmpdir(), `tdl-compile-cache-${process.getuid?.() ?? 'user'}`);
  // CRC-32 of the source's bytes (as Node's own compile cache keys its entries), with the Node version
  // and architecture: a few times faster than a cryptographic hash of ~2 MB (and, of the bytes, than
  // of the string, which zlib would encode to UTF-8 first); V8 checks the length.
  const hash = `${zlib.crc32(bytes).toString(16).padStart(8, '0')}${source.length.toString(16)}-${process.version}-${process.arch}`;
  const name = `${command}-${hash}.v8`;
  const cacheFile = join(dir, name);
  let cachedData: Buffer | undefined;
  if (useCache && ownFolder(dir))
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet: this run writes it.
    }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __tdlImport) {${source}\n})`,
    { filename: file, ...(cachedData ? { cachedData } : {}) },
  );
  if (useCache && (!cachedData || script.cachedDataRejected))
    // At exit, so the cache holds the functions this command compiled while it ran, not only the top level.
    process.once('exit', () => {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!ownFolder(dir)) return;
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
        // The oldest caches of this command beyond the newest few go.
        const mine = readdirSync(dir)
          .filter((f) => f.startsWith(`${command}-`) && f.endsWith('.v8') && f !== name)
          .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
          .sort((a, b) => b.t - a.t);
        for (const { f } of mine.slice(KEEP - 1)) rmSync(join(dir, f), { force: true });
      } catch {
        // A read-only or full temp folder: the next run compiles again.
      }
    });
  const cjs = { exports: {} };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // The bundle's dynamic imports (the Google and GitHub clients, ES modules) go through this
  // module's import(): a script compiled by `vm` has no import() of its own.
  wrapper(cjs.exports, nodeModule.createRequire(file), cjs, file, dirname(file), (s: string) => import(s));
}

if (existsSync(bundle)) runBundle(bundle);
else void import('./cli.js');
