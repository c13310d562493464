// Run after `npm install` changes package-lock.json: `node scripts/complete-lock.mjs`.
// The npm registry reachable from our machines does not serve other platforms' optional binaries
// (biome, rollup, esbuild), so npm leaves them out of the lock and then `npm ci` rejects that lock.
// Adds lock entries for optional platform packages that the registry here does not serve, so npm ci
// sees a complete lock; their os/cpu fields make npm skip them on this platform.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pk = lock.packages;
const guess = (name) => {
  const os = [
    'android',
    'darwin',
    'win32',
    'linux',
    'freebsd',
    'openbsd',
    'netbsd',
    'sunos',
    'aix',
    'openharmony',
    'cygwin',
  ].find((o) => name.includes(o) || (o === 'win32' && /win32|windows/.test(name)));
  const cpu =
    ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'].find((c) =>
      new RegExp(`[-_]${c}(?:[-_.]|$)`).test(name),
    ) ?? (name.includes('-arm-') ? 'arm' : undefined);
  const libc = name.includes('musl') ? 'musl' : name.includes('gnu') ? 'glibc' : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (pk[base] || pk[top]) continue;
    const { os, cpu, libc } = guess(dep);
    if (!os) continue;
    pk[top] = {
      version,
      optional: true,
      ...(entry.dev ? { dev: true } : {}),
      os: [os],
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} stub entries`);
