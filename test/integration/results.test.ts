/**
 * `tdl results` as a real process, on reports that real runners (node:test, vitest) write during the
 * test, compared with the counts those runners print; and phase 2 reading reports through the same
 * parsers (format detected, a file that failed to load never green).
 */
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import type { RunTestsData } from '../../src/phase-data/run-tests.js';
import type { ResultsDocument } from '../../src/results/summary.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'reports');

const NODE_TESTS = `import assert from 'node:assert';
import { describe, it, test } from 'node:test';
describe('group', () => {
  it('passes', () => {});
  it('fails with "quotes" & <angles>', () => assert.strictEqual(1, 2));
  it.skip('skipped', () => {});
  it.todo('todo');
  describe('inner', () => { it('deep', () => {}); });
});
test('parent', async (t) => {
  await t.test('child ok', () => {});
});
test('top', () => {});
`;

const VITEST_TESTS = `describe('group', () => {
  it('passes', () => {});
  it('fails', () => { expect(1).toBe(2); });
  it.skip('skipped', () => {});
});
it('top', () => {});
`;

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'node/a.test.mjs': NODE_TESTS,
    'vitest/a.test.js': VITEST_TESTS,
    'vitest/broken.test.js': "throw new Error('cannot load');\n",
    'vitest/vitest.config.mjs': "export default { test: { globals: true, include: ['*.test.js'] } };\n",
    'green.xml': '<testsuite><testcase name="a" time="0.01"/><testcase name="b" time="0.02"/></testsuite>',
    'empty.xml': '<testsuites/>',
    'cut.xml': '<testsuites><testsuite><testcase name="a">',
  });
});
afterAll(() => project.cleanup());

const printed = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0);

async function resultsJson(
  ...files: string[]
): Promise<{ doc: ResultsDocument; exitCode: number | undefined }> {
  const r = await tdl(project.dir, ['results', '--json', ...files]);
  return { doc: JSON.parse(String(r.stdout)) as ResultsDocument, exitCode: r.exitCode };
}

describe('node:test, run now', () => {
  let spec = '';
  beforeAll(async () => {
    const r = await execa(
      process.execPath,
      [
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        '--test-reporter-destination=node.tap',
        '--test-reporter=junit',
        '--test-reporter-destination=node.xml',
        'node/a.test.mjs',
      ],
      { cwd: project.dir, reject: false, env: { NO_COLOR: '1' } },
    );
    spec = String(r.stdout);
  }, 60_000);

  it('TAP: tdl results counts what node printed', async () => {
    const { doc, exitCode } = await resultsJson('node.tap');
    expect(exitCode).toBe(1);
    expect(doc).toMatchObject({
      total: printed(spec, /ℹ tests (\d+)/),
      passed: printed(spec, /ℹ pass (\d+)/),
      failed: printed(spec, /ℹ fail (\d+)/),
      errored: printed(spec, /ℹ cancelled (\d+)/),
      skipped: printed(spec, /ℹ skipped (\d+)/) + printed(spec, /ℹ todo (\d+)/),
    });
    expect(doc.files[0]).toMatchObject({ file: 'node.tap', format: 'tap' });
  });

  it('JUnit: the same failures and skips; the parent test node writes as a suite is the one left out', async () => {
    const { doc } = await resultsJson('node.xml');
    expect(doc.failed).toBe(printed(spec, /ℹ fail (\d+)/));
    expect(doc.skipped).toBe(printed(spec, /ℹ skipped (\d+)/) + printed(spec, /ℹ todo (\d+)/));
    expect(doc.total).toBe(printed(spec, /ℹ tests (\d+)/) - 1);
    expect(doc.cases.find((c) => c.status === 'failed')?.name).toBe('fails with "quotes" & <angles>');
  });
});

describe('vitest, run now', () => {
  let out = '';
  beforeAll(async () => {
    const r = await execa(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--root',
        'vitest',
        '--reporter=default',
        '--reporter=json',
        '--reporter=junit',
        '--outputFile.json=../vitest.json',
        '--outputFile.junit=../vitest.xml',
      ],
      { cwd: project.dir, reject: false, env: { NO_COLOR: '1', CI: '1' } },
    );
    out = String(r.stdout) + String(r.stderr);
  }, 60_000);

  it.each(['vitest.json', 'vitest.xml'])(
    '%s: the tests vitest printed, and the file that failed to load as errored',
    async (file) => {
      const tests = /Tests\s+(.*)/.exec(out)?.[1] ?? '';
      const { doc, exitCode } = await resultsJson(file);
      expect(exitCode).toBe(1);
      expect(doc).toMatchObject({
        passed: printed(tests, /(\d+) passed/),
        failed: printed(tests, /(\d+) failed/),
        skipped: printed(tests, /(\d+) skipped/),
        errored: printed(out, /Failed Suites (\d+)/),
      });
      expect(doc.errored).toBe(1);
      expect(doc.cases.find((c) => c.status === 'errored')?.message).toBe('cannot load');
    },
  );
});

describe('tdl results, exit codes and output', () => {
  it('0 when every file is green; several files sum up', async () => {
    const r = await tdl(project.dir, ['results', 'green.xml', 'green.xml']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain(
      'green.xml (junit): 2 tests: 2 passed, 0 failed, 0 errored, 0 skipped (0.03 s)',
    );
    expect(String(r.stdout)).toContain('total, 2 files: 4 tests: 4 passed');
    const { doc } = await resultsJson('green.xml', 'green.xml');
    expect(doc).toMatchObject({ total: 4, passed: 4, failed: 0, errored: 0, skipped: 0, durationMs: 60 });
    expect(doc.files).toHaveLength(2);
    expect(doc.cases.map((c) => c.report)).toEqual(['green.xml', 'green.xml', 'green.xml', 'green.xml']);
  });

  it('1 when a file has no executed test (it cannot tell green)', async () => {
    const r = await tdl(project.dir, ['results', 'empty.xml']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toContain('cannot tell green: no test executed');
  });

  it('1 on failures, listing them', async () => {
    const r = await tdl(project.dir, ['results', join(FIXTURES, 'go-test.json')]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toContain('✗ failed  example.com/gofix/ok > TestFails: ok_test.go:11:');
  });

  it('2 with one line per unreadable file, naming it, and no stack trace', async () => {
    const r = await tdl(project.dir, ['results', 'green.xml', 'cut.xml', 'missing.xml']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stdout)).toBe('');
    const lines = String(r.stderr).trim().split('\n');
    expect(lines[0]).toMatch(/^tdl: cut\.xml: not a valid junit report: /);
    expect(lines[1]).toBe('missing.xml: cannot read: ENOENT, no such file');
    expect(String(r.stderr)).not.toMatch(/\bat \S+ \(/);
  });

  it('2 on an unknown --format, naming the valid ones', async () => {
    const r = await tdl(project.dir, ['results', '--format', 'xunit', 'green.xml']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(
      '--format is set as "xunit"; valid values are auto, junit, vitest-json',
    );
  });
});

describe('phase 2 reads reports through the same parsers', () => {
  let data: RunTestsData;
  beforeAll(async () => {
    copyFileSync(join(FIXTURES, 'vitest.json'), join(project.dir, 'fixture-vitest.json'));
    const copy = (from: string, to: string, code: number) =>
      `[node, -e, "require('fs').copyFileSync('${from}', process.env.TDL_REPORT_DIR + '/${to}'); process.exit(${code})"]`;
    project.write(
      'phase2.yaml',
      `name: phase2
suites:
  - id: loadfail
    command: ${copy('fixture-vitest.json', 'v.json', 1)}
    report: { path: "{reportDir}/v.json" }
  - id: tap
    command: [node, --test, --test-reporter=tap, "--test-reporter-destination={reportDir}/n.tap", node/ok.test.mjs]
    report: { path: "{reportDir}/n.tap" }
  - id: doubt
    command: ${copy('doubt.json', 'd.json', 1)}
    report: { path: "{reportDir}/d.json" }
`,
    );
    project.write(
      'node/ok.test.mjs',
      "import { test } from 'node:test';\ntest('ok', async () => { await new Promise((r) => setTimeout(r, 5)); });\n",
    );
    project.write(
      'doubt.json',
      JSON.stringify({
        numTotalTests: 1,
        success: false,
        testResults: [
          {
            name: 'a',
            status: 'passed',
            assertionResults: [{ title: 't', status: 'passed', duration: 5, ancestorTitles: [] }],
          },
        ],
      }),
    );
    const r = await tdl(project.dir, ['run', '-p', 'phase2.yaml', '--json', '--publish', 'none']);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    data = phaseData(record, 'run-tests')!;
  }, 60_000);

  it('a vitest file that failed to load is an errored test: the suite fails', () => {
    const s = data.suites.find((x) => x.id === 'loadfail')!;
    expect(s.report?.format).toBe('vitest-json');
    expect(s.counts).toMatchObject({ errored: 1, failed: 2, passed: 4 });
    expect(s.verdict).toBe('fail');
  });

  it('report.format may be omitted: TAP is detected and read', () => {
    const s = data.suites.find((x) => x.id === 'tap')!;
    expect(s.report?.format).toBe('tap');
    expect(s.counts).toMatchObject({ total: 1, passed: 1 });
    expect(s.verdict).toBe('pass');
  });

  it("a parser's note (success: false with nothing failing) makes a green report inconclusive", () => {
    const s = data.suites.find((x) => x.id === 'doubt')!;
    expect(s.counts).toMatchObject({ total: 1, passed: 1 });
    expect(s.findings.map((f) => `${f.kind}:${f.severity}`)).toContain('report-note:error');
    expect(s.verdict).toBe('inconclusive');
  });
});
