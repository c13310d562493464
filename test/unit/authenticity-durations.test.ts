/**
 * `zero-durations` on real runner reports (test/fixtures/reports, made by generate.sh): fast tests that
 * a runner rounds to 0 ms are a warning when the report timed the run itself; a report in which nothing
 * was timed (the seed's "tests ran in 0.00 s") stays an error that keeps the suite from reading green.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAuthenticity } from '../../src/phases/2-run-tests/authenticity.js';
import { parseReportFile } from '../../src/results/index.js';
import type { ParsedReport } from '../../src/results/model.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'reports');
const PYTEST_FAST = readFileSync(join(DIR, 'pytest-fast.xml'), 'utf8');
const TMP = mkdtempSync(join(tmpdir(), 'tdl-auth-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The real pytest report with only its suite-level time changed (or removed). */
function pytestFastWith(time: string | null): Promise<ParsedReport> {
  const text = PYTEST_FAST.replace(
    / time="[\d.]+" timestamp/,
    time === null ? ' timestamp' : ` time="${time}" timestamp`,
  );
  expect(text).not.toBe(PYTEST_FAST);
  const file = join(TMP, `pytest-fast-${time ?? 'none'}.xml`);
  writeFileSync(file, text);
  return parseReportFile(file);
}

function zeroDurations(report: ParsedReport, exitCode: number) {
  return checkAuthenticity({ suite: 's', exitCode, report, reportConfigured: true }).filter(
    (f) => f.kind === 'zero-durations',
  );
}

describe('each parser gives the time the report measured for the whole run', () => {
  it.each([
    // pytest times its <testsuite>, not the <testsuites> root.
    ['pytest-fast.xml', 90],
    ['pytest-xunit2.xml', 144],
    // jest-junit and vitest time the root.
    ['jest-junit.xml', 794],
    ['vitest-junit.xml', 25],
    // node:test times each top-level suite: their sum.
    ['node-test-junit.xml', null],
    // go: the package's own Elapsed; TAP: node's "# duration_ms"; JSON: first file start to last file end.
    ['go-test.json', null],
    ['node-test.tap', 2410],
    ['jest.json', 1795604857129 - 1795604856376],
    ['vitest.json', Math.round(1795604855402.6653 - 1795604854421)],
  ] as const)('%s', async (file, ms) => {
    const report = await parseReportFile(join(DIR, file));
    if (ms === null) expect(report.measuredMs).toBeGreaterThan(0);
    else expect(report.measuredMs).toBe(ms);
  });

  it('says nothing when the report does not time the run', async () => {
    expect((await pytestFastWith(null)).measuredMs).toBeUndefined();
  });
});

describe('zero-durations', () => {
  it('pytest, fast honest tests: every test reads time="0.000", the suite 0.090 s: a warning', async () => {
    const report = await parseReportFile(join(DIR, 'pytest-fast.xml'));
    expect(report.cases.length).toBe(4);
    expect(report.cases.every((c) => c.durationMs === 0)).toBe(true);
    const found = zeroDurations(report, 0);
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toBe(
      "all 4 executed tests report 0 ms (below the report's per-test resolution), but the report times the run at 90 ms: fast tests, not untimed ones",
    );
  });

  it('go test -json: every test Elapsed 0 (go rounds to 10 ms), the package 0.007 s: a warning', async () => {
    // The real report's events of its one package that built (the other failed to build: no tests).
    const ok = readFileSync(join(DIR, 'go-test.json'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"Package":"example.com/gofix/ok"'));
    const file = join(TMP, 'go-ok.json');
    writeFileSync(file, `${ok.join('\n')}\n`);
    const report = await parseReportFile(file, 'go-json');
    const executed = report.cases.filter((c) => c.status !== 'skipped');
    expect(executed.length).toBe(8);
    expect(executed.every((c) => c.durationMs === 0)).toBe(true);
    expect(report.measuredMs).toBe(7);
    expect(zeroDurations(report, 1).map((f) => f.severity)).toEqual(['warning']);
  });

  it("the seed's case: the same report with the run timed at 0.000 s is an error", async () => {
    const found = zeroDurations(await pytestFastWith('0.000'), 0);
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        'error',
        'all 4 executed tests report a duration of 0 and the report times the whole run at 0: nothing was measured',
      ],
    ]);
  });

  it('and with no time for the run at all, an error too', async () => {
    const found = zeroDurations(await pytestFastWith(null), 0);
    expect(found.map((f) => f.severity)).toEqual(['error']);
    expect(found[0]!.message).toContain('gives no time for the run');
  });

  it('a report with a test that took time raises nothing', async () => {
    expect(zeroDurations(await parseReportFile(join(DIR, 'pytest-xunit2.xml')), 1)).toEqual([]);
  });
});
