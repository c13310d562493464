#!/usr/bin/env node
/**
 * The tdl command line's entry: turns Node's compile cache on, then loads the command line (cli.ts).
 */
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (in the OS temp folder), so a later run skips compiling
// the command line again. Only modules loaded after this call are cached, which is why cli.ts is
// imported dynamically: a static import is compiled before any line of this module runs. Node 20 has
// no compile cache, and the call is skipped there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./cli.js');
