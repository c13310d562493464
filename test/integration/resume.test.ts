import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { alive, CLI, nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

// Tier 2 sleeps while the file `slow` exists, so the test can kill tdl mid-run and then let a resume finish.
const SLOW_TEST = `import { test } from 'node:test';
import { existsSync } from 'node:fs';
test('waits while slow exists', async () => {
  while (existsSync(new URL('../../slow', import.meta.url))) await new Promise((r) => setTimeout(r, 50));
});
`;

// A suite whose command hangs and leaves a grandchild: the timeout must kill both. It is a shell, not
// node: it has written the grandchild's pid within a millisecond or so of starting, long before the
// 1 s timeout even on a loaded machine (a node script needs far longer just to boot there).
const HANG = 'sleep 600 & echo $! > grandchild.pid; wait';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: resume-it
suites:
${nodeSuite('quick', 1, 'test/quick/')}
${nodeSuite('slow', 2, 'test/slow/')}
`,
    'hang.yaml': `name: hang-it
suites:
  - id: hangs
    command: [sh, hang.sh]
    report: { format: junit, path: "{reportDir}/never.xml" }
    timeout: 1s
${nodeSuite('quick', 1, 'test/quick/')}
`,
    'hang.sh': HANG,
    'test/quick/q.test.js': PASSING_TEST,
    'test/slow/s.test.js': SLOW_TEST,
    slow: 'remove me to let the slow suite finish\n',
  });
});
afterAll(() => project.cleanup());

describe('a killed run', () => {
  it('leaves a valid record of what had finished, and resumes from the first unfinished phase, from a moved checkout', async () => {
    const child = execa(process.execPath, [CLI, 'run'], {
      cwd: project.dir,
      reject: false,
      env: { CI: 'true' },
    });
    // Wait until tier 1 is done and the slow suite has started: its log file appears. The slow
    // suite waits for the test, so no deadline is guessed here (the test's timeout bounds the wait).
    const runsDir = join(project.dir, '.tdl', 'runs');
    let runDir = '';
    while (!runDir) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(runsDir)) {
        const [id] = (await import('node:fs')).readdirSync(runsDir);
        if (id && existsSync(join(runsDir, id, 'slow.log'))) runDir = join(runsDir, id);
      }
    }
    expect(runDir).not.toBe('');
    child.kill('SIGKILL');
    await child;

    const killed = JSON.parse(readFileSync(join(runDir, 'record.json'), 'utf8')) as RunRecord;
    expect(killed.state).toBe('running');
    expect(killed.phases.find((p) => p.id === 'select-tests')!.state).toBe('completed');
    expect(killed.phases.find((p) => p.id === 'run-tests')!.state).toBe('running');
    expect(killed.phases.find((p) => p.id === 'publish')!.state).toBe('pending');
    // The stored record holds no absolute path: its worklog is relative to the git root.
    expect(killed.worklog!.markdown).toMatch(/^worklogs\//);
    // The worklog of the torn run is readable and says where it stopped.
    expect(readFileSync(join(project.dir, killed.worklog!.markdown), 'utf8')).toContain('**State:** running');

    // The checkout moves before the resume (another runner, a renamed folder): the stored record holds
    // no absolute path, so the resume finds its playbook, worklog and logs where they are now.
    const moved = `${project.dir}-moved`;
    renameSync(project.dir, moved);
    let resumed: Awaited<ReturnType<typeof tdl>>;
    try {
      rmSync(join(moved, 'slow'));
      resumed = await tdl(moved, ['resume', killed.runId, '--json']);
    } finally {
      renameSync(moved, project.dir);
    }
    const record = JSON.parse(String(resumed.stdout)) as RunRecord;
    expect(record.repo.dir).toBe(moved);
    expect(resumed.exitCode).toBe(0);
    expect(record.runId).toBe(killed.runId);
    expect(record.state).toBe('completed');
    // select-tests is kept from before, not run again.
    expect(record.phases.find((p) => p.id === 'select-tests')!.startedAt).toBe(
      killed.phases.find((p) => p.id === 'select-tests')!.startedAt,
    );
    const data = phaseData(record, 'run-tests')!;
    expect(data.suites.map((s) => [s.id, s.verdict])).toEqual([
      ['quick', 'pass'],
      ['slow', 'pass'],
    ]);
    expect(record.worklog!.markdown).toBe(join(moved, killed.worklog!.markdown));
  }, 60_000);

  it('refuses to resume an unknown run, exit 2', async () => {
    const r = await tdl(project.dir, ['resume', 'tdl-20200101-000000-abcdef']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('no run tdl-20200101-000000-abcdef');
  });
});

describe('a suite that hangs', () => {
  it('is timed out with its whole process tree killed, and the run goes on', async () => {
    const started = Date.now();
    const r = await tdl(project.dir, ['run', '-p', 'hang.yaml', '--json']);
    const record = JSON.parse(String(r.stdout)) as RunRecord;
    const data = phaseData(record, 'run-tests')!;
    const hung = data.suites.find((s) => s.id === 'hangs')!;
    expect(hung.state).toBe('timed_out');
    expect(hung.verdict).toBe('inconclusive');
    expect(data.suites.find((s) => s.id === 'quick')!.verdict).toBe('pass');
    expect(r.exitCode).toBe(1); // unknown is never green
    expect(Date.now() - started).toBeLessThan(20_000);
    const grandchild = Number(readFileSync(join(project.dir, 'grandchild.pid'), 'utf8'));
    // Killed (SIGKILL to the group) before tdl exited; the test waits for the kernel to finish it
    // rather than guessing how long that takes. If it survived, this loop runs into the test's timeout.
    while (alive(grandchild)) await new Promise((res) => setTimeout(res, 20));
    expect(alive(grandchild)).toBe(false);
  }, 30_000);
});

describe('tdl --version', () => {
  it('prints the version without loading Google or GitHub client libraries', async () => {
    // Every module the CLI loads is logged: ES modules by a resolve hook (module.register, Node
    // 20.6+), CommonJS ones by a wrapper of Module._load. The command line is one CommonJS bundle,
    // tdl.cjs (scripts/bundle.mjs), started by main.cjs: the libraries bundled in it (commander, zod,
    // yaml, execa, pino, ...) are evaluated only when a command uses them; the others load from
    // node_modules and would show here.
    const log = project.write('resolved.log', '');
    const hooks = project.write(
      'hooks.mjs',
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`,
    );
    const register = project.write(
      'register.mjs',
      `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    const requires = project.write(
      'requires.cjs',
      `const Module = require('node:module'); const { appendFileSync } = require('node:fs'); const load = Module._load; Module._load = function (request, parent, isMain) { appendFileSync(${JSON.stringify(log)}, 'require:' + request + '\\n'); return load.apply(this, arguments); };\n`,
    );
    const r = await execa(process.execPath, ['--require', requires, '--import', register, CLI, '--version'], {
      reject: false,
    });
    expect(String(r.stdout).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const loaded = readFileSync(log, 'utf8').trim().split('\n');
    // The hooks saw the CLI start (else this test proves nothing).
    expect(loaded.some((u) => u.endsWith('/dist/cli/main.cjs'))).toBe(true);
    expect(
      loaded.filter((u) =>
        /google|grpc|octokit|pino|execa|zod|yaml|modelcontextprotocol|saxes|node_modules/.test(u),
      ),
    ).toEqual([]);
    // Of tdl's own files, only the entry: the bundle is compiled from its text by main.cjs.
    expect(loaded.filter((u) => u.startsWith('file:') && u.includes('/dist/'))).toEqual([`file://${CLI}`]);
  });
});
