/**
 * A GitHub server that accepts the connection and never answers (issue 13 point 7): every request has
 * a deadline (`github.timeout`), a read that got no answer is sent once more, and then the step that
 * made it says so: phase 1's read of open issues becomes a note, phase 6 is `errored` with the reason.
 * The run finishes within a bound, it does not hang. The token and the API address reach the GitHub
 * client through the run's env (startRun's `env`), not this process's environment.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseResult } from '../../src/phase-data/index.js';
import { startRun } from '../../src/pipeline/session.js';
import { FAILING_TEST, nodeSuite, type TempProject, tempProject } from './helpers.js';

const TOKEN = `ghp_${'T'.repeat(36)}`;
const sockets = new Set<Socket>();
let requests = 0;
const silent = createServer((s) => {
  sockets.add(s);
  s.on('data', (chunk) => {
    requests += (chunk.toString('latin1').match(/^(GET|POST|PATCH|PUT|DELETE) \//gm) ?? []).length;
  });
  s.on('close', () => sockets.delete(s));
  s.on('error', () => {});
});
let port = 0;
let project: TempProject;

beforeAll(async () => {
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  port = (silent.address() as { port: number }).port;
  project = await tempProject({
    'tdl.yaml': `name: silent-github
suites:
${nodeSuite('unit', 1, 'test/')}
github:
  repo: acme/silent
  timeout: 1s
`,
    'test/a.test.js': FAILING_TEST,
    '.gitignore': 'worklogs/\n.tdl/\n',
  });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  project?.cleanup();
});

it('a never-answering GitHub makes the reads a note and the publish errored, within the bound', async () => {
  expect(process.env.TDL_GITHUB_API_URL, 'this test passes the address through the run env only').toBe(
    undefined,
  );
  const started = Date.now();
  const record: RunRecord = await startRun(
    `${project.dir}/tdl.yaml`,
    {
      focus: 'all',
      deploy: false,
      dryRun: false,
      publish: 'github',
      only: null,
      untilGreen: false,
      maxIterations: 1,
    },
    {
      cwd: project.dir,
      humanLog: null,
      env: {
        ...process.env,
        CI: 'true',
        GITHUB_TOKEN: TOKEN,
        GH_TOKEN: '',
        TDL_GITHUB_API_URL: `http://127.0.0.1:${port}`,
        TDL_GITHUB_WRITE_SPACING_MS: '0',
      },
    },
  );
  const elapsed = Date.now() - started;
  // The requests reached this server: the client took its address from the run's env.
  expect(requests).toBeGreaterThanOrEqual(2);
  const select = phaseResult(record, 'select-tests')!;
  expect(JSON.stringify(select.data)).toContain('no answer within 1 s (2 attempts)');
  const publish = phaseResult(record, 'publish')!;
  expect(publish.state).toBe('errored');
  expect(publish.reason).toContain('no answer within 1 s (2 attempts)');
  // The run itself finished: its tests ran, it decided, and it exits 3 (GitHub unreachable).
  expect(phaseResult(record, 'run-tests')!.state).toBe('completed');
  expect(record.decision?.decision).toBe('defer');
  expect(record.state).toBe('completed');
  expect(record.exitCode).toBe(3);
  // Each call is bounded by 2 × 1 s; a run that makes a handful of them ends well within 30 s
  // (without the timeout it waited for the socket: minutes).
  expect(elapsed).toBeLessThan(30_000);
}, 120_000);
