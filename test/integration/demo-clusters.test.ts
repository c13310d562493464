/**
 * The demo service's tier-1 suite has three failing tests with one cause (the event fields moved
 * under `payload`): its real node:test JUnit report, clustered by phase 3, gives at most two clusters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { clusterFailures } from '../../src/clustering/cluster.js';
import { relativizeCases } from '../../src/results/identity.js';
import { parseReportFile } from '../../src/results/index.js';

const DEMO = resolve(import.meta.dirname, '../../examples/demo-service');
const out = mkdtempSync(join(tmpdir(), 'tdl-demo-clusters-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it("the demo's three failures form at most two clusters", async () => {
  const report = join(out, 'critical.xml');
  await execa(
    process.execPath,
    ['--test', '--test-reporter=junit', `--test-reporter-destination=${report}`, 'test/critical/'],
    { cwd: DEMO, reject: false, env: { TDL_ATTEMPT: '2' } },
  );
  const parsed = await parseReportFile(report);
  const cases = relativizeCases(parsed.cases, { repoDir: DEMO, cwd: DEMO });
  const failing = cases.filter((c) => c.status === 'failed');
  expect(failing).toHaveLength(3);
  const clusters = clusterFailures([{ id: 'mission-critical', tier: 1, cases }], DEMO);
  expect(clusters.reduce((n, c) => n + c.tests.length, 0)).toBe(3);
  expect(clusters.length).toBeLessThanOrEqual(2);
  // The type is named once, not repeated in the message.
  for (const c of clusters) expect(c.title).not.toMatch(/(\w+Error): \1:/);
});
