// Phase 0 figures (issue 4): wall time of `tdl status` for 10 services against the Cloud Run emulator,
// vs 10 sequential `tdl status` calls of one service each. Measured with the emulator answering at once
// and with 100 ms added to every answer (closer to the real API), medians of 5, side by side.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const { startCloudRunEmulator } = await import(join(root, 'dist', 'sandbox', 'cloudrun', 'emulator.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;
const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-status-'));

async function status(file, endpoint) {
  const t = process.hrtime.bigint();
  // Exit 0 expected (all healthy); execFile rejects on any other code.
  await run(process.execPath, [cli, 'status', '-p', file, '--json'], {
    cwd: dir,
    env: { ...process.env, TDL_CLOUDRUN_ENDPOINT: endpoint, CI: '1' },
  });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const playbook = (services) =>
  `name: bench\ngcp: { project: bench, region: us-central1 }\nservices:\n${services.map((s) => `  - name: ${s}\n`).join('')}suites:\n  - id: x\n    command: [node, -e, "0"]\n`;

try {
  writeFileSync(join(dir, 'all.yaml'), playbook(names));
  for (const n of names) writeFileSync(join(dir, `${n}.yaml`), playbook([n]));
  for (const latencyMs of [0, 100]) {
    const emulator = await startCloudRunEmulator({ project: 'bench', region: 'us-central1', latencyMs });
    for (const n of names) emulator.state.addService({ name: n, revisions: [{ ageMs: 3_600_000 }] });
    const together = [];
    const apart = [];
    for (let i = 0; i < 5; i++) {
      together.push(await status(join(dir, 'all.yaml'), emulator.endpoint));
      let total = 0;
      for (const n of names) total += await status(join(dir, `${n}.yaml`), emulator.endpoint);
      apart.push(total);
    }
    const [a, b] = [median(together), median(apart)];
    console.log(
      `emulator latency ${latencyMs} ms: tdl status, 10 services: median ${fmt(a)}; 10 sequential single-service calls: median ${fmt(b)} in all (${fmt(b / 10)} each); ${(b / a).toFixed(1)}x faster`,
    );
    await emulator.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
