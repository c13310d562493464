/**
 * Malformed input: truncated reports, binary data and 10 MB single lines give a clean ReportError or a
 * report that cannot read as green; never a crash, another error type or a hang (vitest's timeout).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportFormat } from '../../src/playbook/sections/suites.js';
import { parseReportFile, ReportError } from '../../src/results/index.js';
import type { ParsedReport } from '../../src/results/model.js';
import { exitCodeOf, summarize } from '../../src/results/summary.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'reports');
const dir = mkdtempSync(join(tmpdir(), 'tdl-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seed = 20261125;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

let n = 0;
async function attempt(
  content: string | Buffer,
  format: ReportFormat = 'auto',
): Promise<ParsedReport | ReportError> {
  const file = join(dir, `f${n++}`);
  writeFileSync(file, content);
  try {
    return await parseReportFile(file, format);
  } catch (error) {
    // Anything but a ReportError (a crash, a TypeError) fails the test here.
    if (!(error instanceof ReportError)) throw error;
    expect(error.message.startsWith(`${file}: `) || error.message.includes(`f${n - 1}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
    return error;
  }
}

const green = (r: ParsedReport | ReportError) =>
  !(r instanceof ReportError) && exitCodeOf([summarize('f', r)]) === 0;

const GREEN_REPORTS: Record<string, string> = {
  junit: `<?xml version="1.0"?>\n<testsuites tests="3">\n<testsuite name="s">\n<testcase name="a" time="0.1"/>\n<testcase name="b" time="0.2"/>\n<testcase name="c" time="0.3"/>\n</testsuite>\n</testsuites>\n`,
  tap: 'TAP version 13\n# Subtest: a\nok 1 - a\n  ---\n  duration_ms: 1.5\n  ...\n# Subtest: b\nok 2 - b\n  ---\n  duration_ms: 2.5\n  ...\n1..2\n',
  'go-json': [
    { Action: 'start', Package: 'p' },
    { Action: 'run', Package: 'p', Test: 'TestA' },
    { Action: 'output', Package: 'p', Test: 'TestA', Output: '=== RUN   TestA\n' },
    { Action: 'pass', Package: 'p', Test: 'TestA', Elapsed: 0.1 },
    { Action: 'run', Package: 'p', Test: 'TestB' },
    { Action: 'pass', Package: 'p', Test: 'TestB', Elapsed: 0.1 },
    { Action: 'pass', Package: 'p', Elapsed: 0.2 },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n')
    .concat('\n'),
  'vitest-json': JSON.stringify(
    {
      numTotalTests: 2,
      success: true,
      testResults: [
        {
          name: '/x/a.test.ts',
          status: 'passed',
          assertionResults: [
            { ancestorTitles: [], title: 'a', status: 'passed', duration: 3, failureMessages: [] },
            { ancestorTitles: [], title: 'b', status: 'passed', duration: 4, failureMessages: [] },
          ],
        },
      ],
    },
    null,
    2,
  ),
};

describe('truncated reports never read as green', () => {
  it.each(Object.entries(GREEN_REPORTS))('%s', async (format, text) => {
    expect(green(await attempt(text))).toBe(true);
    // Every cut before the last line is complete: XML and JSON break, TAP loses its plan, Go its package end.
    const lastLine = text.trimEnd().lastIndexOf('\n');
    for (let cut = 1; cut <= lastLine; cut += 1) {
      const r = await attempt(text.slice(0, cut), format === 'junit' ? 'auto' : (format as ReportFormat));
      if (green(r)) throw new Error(`a cut at ${cut} of the ${format} report reads as green`);
    }
  });

  it('real runner reports cut at random places give an error or a report, never a crash', async () => {
    for (const name of readdirSync(FIXTURES).filter((f) => /\.(xml|json|tap)$/.test(f))) {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      for (let i = 0; i < 15; i++) {
        const cut = Math.floor(random() * text.length);
        const r = await attempt(text.slice(0, cut));
        if (name.endsWith('.xml') && cut < text.trimEnd().length - 1) expect(r).toBeInstanceOf(ReportError);
      }
    }
  });
});

describe('binary input', () => {
  it.each(['auto', 'junit', 'tap', 'go-json', 'vitest-json', 'jest-json'] as const)(
    '--format %s',
    async (format) => {
      for (let i = 0; i < 5; i++) {
        const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
        expect(await attempt(bytes, format)).toBeInstanceOf(ReportError);
      }
    },
  );
});

describe('a 10 MB single line', () => {
  const big = 'x'.repeat(10 * 1024 * 1024);
  it('of nothing in particular is refused', async () => {
    expect(await attempt(big)).toBeInstanceOf(ReportError);
    for (const format of ['junit', 'tap', 'go-json', 'vitest-json'] as const) {
      expect(await attempt(big, format)).toBeInstanceOf(ReportError);
    }
  });
  it.each([
    [
      'junit',
      `<testsuite><testcase name="a" time="1"><failure message="m">${big}</failure></testcase></testsuite>`,
    ],
    ['tap', `TAP version 13\nnot ok 1 - ${big}\n1..1\n`],
    [
      'go-json',
      `${JSON.stringify({ Action: 'output', Package: 'p', Test: 'T', Output: big })}\n${JSON.stringify({ Action: 'fail', Package: 'p', Test: 'T' })}\n{"Action":"fail","Package":"p"}\n`,
    ],
    [
      'vitest-json',
      JSON.stringify({
        testResults: [
          {
            name: 'f',
            status: 'failed',
            assertionResults: [{ title: 't', status: 'failed', failureMessages: [big] }],
          },
        ],
      }),
    ],
  ])('inside a valid %s report is read, with its message bounded', async (format, text) => {
    const r = await attempt(text);
    expect(r).not.toBeInstanceOf(ReportError);
    const report = r as ParsedReport;
    expect(report.format).toBe(format);
    expect(report.cases.map((c) => c.status)).toEqual(['failed']);
    expect((report.cases[0]!.message ?? '').length).toBeLessThanOrEqual(500);
  });
});
