/** What docs/agents.md promises that no other test covers: the example agent loop and TDL_STATE_DIR. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FAILING_TEST, nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

const LOOP = resolve(import.meta.dirname, '../../docs/agent-loop.sh');

// The "agent's" fix step: reads the clusters tdl found and repairs the test they name.
const FIX = `const fs = require('node:fs');
const clusters = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
fs.appendFileSync('fix-calls.log', clusters.map((c) => c.title).join('\\n') + '\\n');
const file = 'test/unit/math.test.js';
fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('assert.equal(1, 2', 'assert.equal(2, 2'));
`;

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: agent-loop\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}`,
    'test/unit/math.test.js': FAILING_TEST,
    'fix.cjs': FIX,
    'broken.yaml': 'name: broken\nsuites: []\n',
  });
});
afterAll(() => project.cleanup());

const loopEnv = (extra: Record<string, string> = {}) => ({
  CI: 'true',
  TDL: `${process.execPath} ${CLI}`,
  FIX: `${process.execPath} fix.cjs`,
  PUBLISH: 'none',
  ...extra,
});

describe('the agent loop in docs/', () => {
  it('docs/agent-loop.sh ends with proceed in round 2 when the fix step fixes the failing test', async () => {
    const r = await execa('bash', [LOOP], { cwd: project.dir, reject: false, env: loopEnv() });
    expect(String(r.stdout)).toMatch(/round 1: defer: .+/);
    expect(String(r.stdout)).toContain('round 2: proceed');
    expect(r.exitCode).toBe(0);
    // The fix step was given the clusters of round 1: the failing test's message.
    expect(readFileSync(join(project.dir, 'fix-calls.log'), 'utf8')).toContain('one is not two');
  }, 120_000);

  it('docs/agent-loop.sh passes a usage error through as exit 2 without running the fix step', async () => {
    const r = await execa('bash', [LOOP], {
      cwd: project.dir,
      reject: false,
      env: loopEnv({ TDL: `${process.execPath} ${CLI} --no-such-flag`, FIX: 'false' }),
    });
    expect(r.exitCode).toBe(2);
    expect(String(r.stdout)).toContain('round 1: tdl exited 2');
  }, 60_000);
});

describe('environment', () => {
  it('TDL_STATE_DIR moves the run folders and the lock', async () => {
    const state = join(project.dir, 'elsewhere', 'state');
    const r = await tdl(project.dir, ['run', '--json', '--only', 'select-tests'], { TDL_STATE_DIR: state });
    expect(r.exitCode).toBe(0);
    const record = JSON.parse(String(r.stdout));
    expect(record.runDir).toBe(join(state, 'runs', record.runId));
    expect(existsSync(join(record.runDir, 'record.json'))).toBe(true);
    expect(existsSync(join(project.dir, '.tdl', 'runs', record.runId))).toBe(false);
  }, 60_000);
});
