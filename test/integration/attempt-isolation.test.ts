/**
 * An attempt accepts only a report written by itself. A process that escaped everything tdl can see
 * (its own session, and an empty environment, so neither the process group nor the environment marker
 * finds it) writes a passing report late, while the next attempt runs: before per-attempt folders that
 * report was "1 passed of 1" for an attempt that wrote nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const junit = (status: 'pass' | 'fail') =>
  `<?xml version="1.0"?>\n<testsuites><testsuite name="iso" tests="1"><testcase classname="iso" name="works" time="0.01">${
    status === 'fail' ? '<failure message="boom">boom</failure>' : ''
  }</testcase></testsuite></testsuites>\n`;

// Attempt 1 writes a failing report (so the suite is retried) and leaves a process behind that, 3 s
// later, copies a passing report to where attempt 1 was told to write. The process bounds itself (one
// sleep, one copy). Attempt 2 writes no report and exits 0 after 6 s.
const SCRIPT = [
  'if [ "$TDL_ATTEMPT" = 1 ]; then',
  '  cp fail.xml "$TDL_REPORT_DIR/r.xml"',
  '  env -i PATH="$PATH" setsid sh -c \': > "$2"; sleep 3; cp "$0" "$1/r.xml"\' "$PWD/pass.xml" "$TDL_REPORT_DIR" "$PWD/ready" </dev/null >/dev/null 2>&1 &',
  // Exit only once the leftover is in its own session with no marker (else the group kill takes it).
  '  for i in $(seq 50); do [ -f ready ] && break; sleep 0.1; done',
  '  exit 1',
  'fi',
  'sleep 6',
].join('\n');

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'fail.xml': junit('fail'),
    'pass.xml': junit('pass'),
    'run.sh': SCRIPT,
    'tdl.yaml': `name: iso
suites:
  - id: iso
    command: [sh, run.sh]
    report: { format: junit, path: "{reportDir}/r.xml" }
    retries: 1
    timeout: 60s
`,
  });
});
afterAll(() => project.cleanup());

describe('per-attempt report folders', () => {
  let record: RunRecord;
  beforeAll(async () => {
    const r = await tdl(project.dir, ['run', '--json']);
    record = JSON.parse(r.stdout) as RunRecord;
  }, 60_000);

  it('does not take a report a leftover process wrote for an earlier attempt', () => {
    const suite = phaseData(record, 'run-tests')!.suites[0]!;
    expect(suite.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(suite.verdict).toBe('inconclusive');
    expect(suite.counts.passed).toBe(0);
    expect(suite.findings.map((f) => f.kind)).toContain('report-missing');
    expect(record.decision?.decision).not.toBe('proceed');
  });

  it('gives each attempt its own folder, and the leftover wrote into its own attempt’s', async () => {
    const base = join(record.runDir, 'reports', 'iso');
    const folders = readdirSync(base).sort();
    expect(folders).toEqual([
      expect.stringMatching(/^1-[0-9a-f]{8}$/),
      expect.stringMatching(/^2-[0-9a-f]{8}$/),
    ]);
    expect(existsSync(join(base, folders[1]!, 'r.xml'))).toBe(false);
    // The leftover really ran (else this test proves nothing): attempt 1's report turns to the pass.
    const first = join(base, folders[0]!, 'r.xml');
    const deadline = Date.now() + 10_000;
    while (readFileSync(first, 'utf8') !== junit('pass') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(first, 'utf8')).toBe(junit('pass'));
  });
});
