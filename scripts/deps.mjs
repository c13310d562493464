// The dependency rules of .dependency-cruiser.cjs (the layers of src/, no import cycles), checked in CI.
//
// Imports that break a layer rule and that existed when the rules were added are listed in
// .dependency-cruiser-known-violations.json; they are being removed (issue #19). The list only shrinks:
// a new violation fails, a cycle always fails, and so does an entry of the list that no longer
// happens (drop it with `npm run deps -- --prune`, which never adds one).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KNOWN = join(root, '.dependency-cruiser-known-violations.json');
const bin = join(root, 'node_modules', '.bin', 'depcruise');
const out = execFileSync(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
const { summary } = JSON.parse(out);
const key = (v) => `${v.rule.name}: ${v.from} → ${v.to}`;
const found = summary.violations.filter((v) => v.rule.severity === 'error');
const known = JSON.parse(readFileSync(KNOWN, 'utf8'));
const knownKeys = new Set(known.filter((v) => v.rule.name !== 'no-circular').map(key));
const foundKeys = new Set(found.map(key));
const fresh = found.filter((v) => !knownKeys.has(key(v)));
const gone = known.filter((v) => !foundKeys.has(key(v)));

if (process.argv.includes('--prune') && gone.length) {
  writeFileSync(
    KNOWN,
    `${JSON.stringify(
      known.filter((v) => foundKeys.has(key(v))),
      null,
      2,
    )}\n`,
  );
  // Written as biome formats it, so that `biome ci` passes on the pruned file.
  execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', KNOWN], {
    cwd: root,
    stdio: 'ignore',
  });
  console.log(`removed ${gone.length} fixed entr${gone.length === 1 ? 'y' : 'ies'} from ${KNOWN}`);
  gone.length = 0;
}
for (const v of fresh) {
  const path = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name ?? c).join(' → ')})` : '';
  console.error(`error ${key(v)}${path}`);
}
for (const v of gone) console.error(`fixed, remove from the known list (npm run deps -- --prune): ${key(v)}`);
const summaryLine = `${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports: ${fresh.length} new violations, ${[...knownKeys].filter((k) => foundKeys.has(k)).length} known ones left`;
if (fresh.length || gone.length) {
  console.error(`dependency rules: ${summaryLine}`);
  process.exit(1);
}
console.log(`dependency rules: ${summaryLine}`);
