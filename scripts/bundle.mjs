// The shipped command line as a bundle, written beside tsc's output after `tsc` ran.
//
// The command line (src/cli/cli.ts) is one CommonJS file, dist/cli/tdl.cjs, that dist/cli/main.cjs
// (tsc's output of src/cli/main.cts) compiles through V8's code cache (see main.cts). One file because
// a V8 code cache is per script; CommonJS because Node 20 has no code cache for ES modules (only
// Node 22's compile cache). Its lazily imported parts stay lazy (esbuild evaluates them on first
// use); its dynamic imports of the external libraries (the Google and GitHub clients, ES modules)
// are rewritten to `__tdlImport(...)`, main.cts's import(), as a script compiled by `vm` has none.
// The GitHub Action's entry (action.js) and the audit's threads (audit-reader.js, audit-scanner.js) stay ES modules,
// split into chunks as below.
//
// Why: on Node 20 every ES module costs a resolve, a file read and a compile; `tdl audit` loaded
// about 240 files (zod ~50, yaml ~40, our own ~46) before doing any work, 100+ ms on this machine.
// The bundles hold our code and the libraries the commands need (commander, zod, yaml, picomatch,
// picocolors, and the ones below). Lazily imported code stays lazy, and the heavy or path-sensitive
// libraries (Google, Octokit, grpc, ...) stay external and load from node_modules as before.
//
// execa is bundled too: every `tdl run` starts suites and git through it, and from node_modules it
// loaded ~80 ES modules of its own and its dependencies, ~90 ms of a run's fixed cost on this machine
// (`node scripts/bench/overhead.mjs`: one `node -e 0` suite 628 → 536 ms).
//
// pino is bundled too (every run logs through it): from node_modules it loaded ~25 CommonJS files
// of its own and its dependencies at start-up. tdl gives pino its own synchronous sink
// (telemetry/logger.ts) and never a transport, so pino's worker-thread files are never looked up.
//
// The MCP SDK (`tdl mcp` only, in a lazily loaded chunk) is bundled too: from node_modules it loaded
// its own copy of zod and ~150 files; bundled it shares our zod, and `tdl mcp` answers the MCP
// handshake in about 2x the time of `tdl --version` instead of 3.5x (scripts/bench/mcp.mjs).
//
// Layout: tdl.cjs, the entries and chunks all sit in dist/cli/, so the `import.meta.url`-relative
// paths in the sources resolve the same from the bundles as from tsc's output: `./main.cjs` (action.ts,
// shard/local.ts),
// `./audit-reader.js` (audit/readers.ts) and `../../package.json` (core/version.ts; dist/cli/ and
// dist/core/ are equally deep). Everything else in dist/ (the sandbox, the demo, the library
// modules the bench scripts import) is tsc's output, unchanged.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const BUNDLED = new Set([
  'commander',
  'zod',
  'yaml',
  'picomatch',
  'picocolors',
  '@modelcontextprotocol/sdk',
  'execa',
  'pino',
]);
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d));

// Chunks of an earlier build would stay next to the new ones: their names change with their content.
const out = join(root, 'dist', 'cli');
for (const f of readdirSync(out, { withFileTypes: true }).map((e) => e.name))
  if (f.startsWith('chunk-')) rmSync(join(out, f));

await build({
  absWorkingDir: root,
  entryPoints: {
    action: 'src/cli/action.ts',
    'audit-reader': 'src/audit/audit-reader.ts',
    'audit-scanner': 'src/audit/audit-scanner.ts',
  },
  outdir: 'dist/cli',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external,
  sourcemap: true,
  logLevel: 'warning',
  // The bundled CommonJS libraries (yaml, picomatch) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __tdlCreateRequire } from 'node:module'; const require = __tdlCreateRequire(import.meta.url);",
  },
});

const cjsFile = join(out, 'tdl.cjs');
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/cli.ts'],
  outfile: cjsFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  external,
  sourcemap: true,
  logLevel: 'warning',
  // `import.meta.url`-relative paths in the sources (./main.cjs, ./audit-reader.js,
  // ../../package.json) resolve from dist/cli/ as they do from the ES module build.
  define: { 'import.meta.url': '__tdlImportMetaUrl' },
  banner: { js: "var __tdlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const externals = new Set(external);
let cjs = readFileSync(cjsFile, 'utf8');
cjs = cjs.replace(/\bimport\((["'])([^"']+)\1\)/g, (_whole, _q, spec) => {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  if (!externals.has(name) && !spec.startsWith('node:'))
    throw new Error(`tdl.cjs: unexpected dynamic import of ${spec}`);
  return `__tdlImport(${JSON.stringify(spec)})`;
});
if (/\bimport\(/.test(cjs))
  throw new Error('tdl.cjs: a dynamic import() is left (main.cts runs it with vm: none works)');
// ASCII only, so that main.cts reads the bundle as Latin-1, a plain copy, instead of decoding ~2 MB of
// UTF-8 at every start: a non-ASCII character left by esbuild (in a comment, a string or a regular
// expression) becomes its \u escape, which means the same character in each of them.
cjs = cjs.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(cjsFile, cjs);
