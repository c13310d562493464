import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const SLEEP = (ms: number) => `[node, -e, "setTimeout(() => {}, ${ms})"]`;
// A barrier: suite i says it started, then waits until all n suites have. It can only finish when the
// n suites run at the same time (run one by one, the first would wait until its timeout), so the
// overlap below does not depend on how fast the machine starts processes.
const BARRIER = (i: number, n: number) =>
  `[node, -e, "const fs = require('fs'); fs.writeFileSync('at-barrier-${i}', ''); const t = setInterval(() => { for (let j = 0; j < ${n}; j++) if (!fs.existsSync('at-barrier-' + j)) return; clearInterval(t); }, 20)"]`;

let project: TempProject;
beforeAll(async () => {
  const suites = (n: number, command: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => `  - id: s${i}\n    command: ${command(i)}\n    timeout: 20s\n`).join(
      '',
    );
  project = await tempProject({
    'parallel.yaml': `name: par\nconcurrency: 3\nsuites:\n${suites(3, (i) => BARRIER(i, 3))}`,
    'serial.yaml': `name: ser\nsuites:\n${suites(3, () => SLEEP(700))}`,
  });
});
afterAll(() => project.cleanup());

function spans(record: RunRecord): [number, number][] {
  const data = phaseData(record, 'run-tests')!;
  return data.suites.map((s) => {
    const a = s.attempts[0]!;
    const start = Date.parse(a.startedAt);
    return [start, start + a.durationMs];
  });
}

/** Two suites overlap when each started before the other ended (touching ends are not an overlap). */
const overlaps = (xs: [number, number][]) =>
  xs.some(([s, e], i) => xs.some(([s2, e2], j) => j !== i && s2 < e && s < e2));

describe('concurrency within a tier', () => {
  it('runs suites of a tier at once when concurrency allows, one by one otherwise', async () => {
    // One after the other: two runs in one repository would wait on each other's lock.
    const par = await tdl(project.dir, ['run', '-p', 'parallel.yaml', '--json']);
    const ser = await tdl(project.dir, ['run', '-p', 'serial.yaml', '--json']);
    expect(par.exitCode).toBe(0);
    expect(ser.exitCode).toBe(0);
    expect(overlaps(spans(JSON.parse(String(par.stdout))))).toBe(true);
    expect(overlaps(spans(JSON.parse(String(ser.stdout))))).toBe(false);
  }, 60_000);
});
