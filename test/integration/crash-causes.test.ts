/**
 * A runner that crashes keeps its cause in the worklog and in the cluster: the module pytest could not
 * import, vitest's "no test files found". Real runners, playbooks as `tdl init` writes them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

// Each test starts tdl three times and the real runner (pytest, go, vitest) behind it: on a machine shared
// by several busy sessions that takes more than the default 30 s. A bound, not a wait.
vi.setConfig({ testTimeout: 180_000 });

const projects: TempProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});
const hasPytest = spawnSync('python3', ['-m', 'pytest', '--version']).status === 0;

async function initAndRun(files: Record<string, string>, setup?: (p: TempProject) => void) {
  const p = await tempProject(files);
  projects.push(p);
  setup?.(p);
  expect((await tdl(p.dir, ['init'])).exitCode).toBe(0);
  const run = await tdl(p.dir, ['run', '--publish', 'none', '--json']);
  const record = JSON.parse(String(run.stdout)) as RunRecord;
  const worklog = readdirSync(join(p.dir, 'worklogs')).find((f) => f.endsWith('.md'))!;
  return {
    exitCode: run.exitCode,
    record,
    tests: phaseData(record, 'run-tests')!,
    rootCause: JSON.stringify(record.phases.find((x) => x.id === 'root-cause')!.data),
    worklog: readFileSync(join(p.dir, 'worklogs', worklog), 'utf8'),
  };
}

describe('crash causes', () => {
  it.runIf(hasPytest)(
    'pytest collection error: the missing module is named in the case, the cluster and the worklog',
    async () => {
      const r = await initAndRun({
        'pytest.ini': '[pytest]\n',
        'test_app.py': 'import tdl_surely_missing_module\n\ndef test_a():\n    pass\n',
      });
      expect(r.exitCode).toBe(1);
      const [errored] = r.tests.suites[0]!.cases.filter((c) => c.status === 'errored');
      expect(errored!.message).toBe("ModuleNotFoundError: No module named 'tdl_surely_missing_module'");
      expect(r.rootCause).toContain('No module named');
      expect(r.worklog).toContain("No module named 'tdl_surely_missing_module'");
      expect(r.worklog).not.toMatch(/: collection failure/);
    },
  );

  it('vitest with no test files: "no test files found", not "success: false although no test failed"', async () => {
    const r = await initAndRun(
      {
        'package.json': JSON.stringify({
          name: 'empty',
          scripts: { test: 'vitest run' },
          devDependencies: { vitest: '3.2.7' },
        }),
        'vitest.config.mjs': 'export default {};\n',
      },
      (p) => {
        mkdirSync(join(p.dir, 'node_modules', '.bin'), { recursive: true });
        symlinkSync(resolve('node_modules/vitest'), join(p.dir, 'node_modules', 'vitest'));
        symlinkSync(resolve('node_modules/vitest/vitest.mjs'), join(p.dir, 'node_modules', '.bin', 'vitest'));
      },
    );
    expect(r.exitCode).toBe(1);
    const suite = r.tests.suites[0]!;
    expect(suite.verdict).not.toBe('pass');
    expect(suite.findings.map((f) => f.message).join('\n')).toContain('no test files found');
    expect(r.worklog).toContain('no test files found');
    expect(r.worklog).not.toContain('success: false although no test failed');
  });
});
