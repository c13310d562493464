import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunTestsData } from '../../src/phases/2-run-tests/types.js';
import type { RunRecord } from '../../src/pipeline/record.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const SLEEP = (ms: number) => `[node, -e, "setTimeout(() => {}, ${ms})"]`;

let project: TempProject;
beforeAll(async () => {
  const suites = (n: number) =>
    Array.from({ length: n }, (_, i) => `  - id: s${i}\n    command: ${SLEEP(700)}\n`).join('');
  project = await tempProject({
    'parallel.yaml': `name: par\nconcurrency: 3\nsuites:\n${suites(3)}`,
    'serial.yaml': `name: ser\nsuites:\n${suites(3)}`,
  });
});
afterAll(() => project.cleanup());

function spans(record: RunRecord): [number, number][] {
  const data = record.phases.find((p) => p.id === 'run-tests')!.data as RunTestsData;
  return data.suites.map((s) => {
    const a = s.attempts[0]!;
    const start = Date.parse(a.startedAt);
    return [start, start + a.durationMs];
  });
}

const overlaps = (xs: [number, number][]) =>
  xs.some(([s, e], i) => xs.some(([s2], j) => j !== i && s2 > s && s2 < e));

describe('concurrency within a tier', () => {
  it('runs suites of a tier at once when concurrency allows, one by one otherwise', async () => {
    // One after the other: two runs in one repository would wait on each other's lock.
    const par = await tdl(project.dir, ['run', '-p', 'parallel.yaml', '--json']);
    const ser = await tdl(project.dir, ['run', '-p', 'serial.yaml', '--json']);
    expect(par.exitCode).toBe(0);
    expect(ser.exitCode).toBe(0);
    expect(overlaps(spans(JSON.parse(String(par.stdout))))).toBe(true);
    expect(overlaps(spans(JSON.parse(String(ser.stdout))))).toBe(false);
  }, 30_000);
});
