// `npm run bench`: runs every benchmark in scripts/bench/ in name order; each prints its own figures.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const only = process.argv.slice(2);
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.mjs'))
  .sort()) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  console.log(`\n== ${name}`);
  execFileSync(process.execPath, [join(dir, name)], { stdio: 'inherit' });
}
