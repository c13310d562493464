/** Whole process trees: setsid descendants found through /proc, the timeout on the suite's own process, credentials withheld. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessPort } from '../../src/adapters/process/index.js';
import type { ProcessPort } from '../../src/adapters/process/port.js';
import {
  killTree,
  newProcessToken,
  processesWithToken,
  signalTree,
  TOKEN_ENV,
} from '../../src/adapters/process/tree.js';
import { suiteEnv } from '../../src/phases/2-run-tests/suite.js';
import { CHILDREN_FILE, journaledProcesses, killSurvivors } from '../../src/pipeline/survivors.js';
import { CREDENTIAL_ENV } from '../../src/telemetry/redact.js';
import { alive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-tree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const port = createProcessPort();
const node = process.execPath;

// Starts a descendant in its own session (setsid) that holds the output pipe open, writes its pid, exits.
const ESCAPE = `const { spawn } = require('node:child_process');
const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
require('node:fs').writeFileSync(process.argv[1], String(c.pid));
c.unref();`;

describe('process trees', () => {
  it("a setsid descendant holding stdout does not stretch the command's time: killed after the grace, named", async () => {
    const pidFile = join(dir, 'escapee.pid');
    const r = await port.run([node, '-e', ESCAPE, pidFile], {
      cwd: dir,
      env: {},
      timeoutMs: 60_000,
      logFile: join(dir, 'escape.log'),
      escapeGraceMs: 300,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(r.escaped?.map((p) => p.pid)).toEqual([pid]);
    expect(r.escaped?.[0]?.command).toContain('setInterval');
    expect(alive(pid)).toBe(false);
    // Well under the 60 s timeout: the grace, not the timeout, bounded the wait.
    expect(r.durationMs).toBeLessThan(30_000);
  }, 60_000);

  it('the marker finds a tree whose members left the group, and signalTree kills them all', async () => {
    const pidFile = join(dir, 'kept.pid');
    const started: { token?: string } = {};
    const run = port.run([node, '-e', `${ESCAPE}; setInterval(() => {}, 1000)`, pidFile], {
      cwd: dir,
      env: {},
      timeoutMs: 60_000,
      logFile: join(dir, 'kept.log'),
      onStart: (c) => {
        started.token = c.token;
      },
    });
    while (!started.token || processesWithToken(started.token).length < 2)
      await new Promise((r) => setTimeout(r, 20));
    const found = signalTree(undefined, started.token, 'SIGKILL');
    expect(found.length).toBe(2);
    await run;
    expect(processesWithToken(started.token)).toEqual([]);
  }, 60_000);

  it("suites do not get tdl's credentials unless their env asks with {inherit}", async () => {
    const before = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = 'ghp_thisIsTheTokenTdlPublishesWith0000';
    try {
      const show = [node, '-e', 'console.log("token=" + (process.env.GITHUB_TOKEN ?? "none"))'];
      const opts = { cwd: dir, timeoutMs: 10_000, logFile: join(dir, 'env.log'), dropEnv: CREDENTIAL_ENV };
      const denied = await port.run(show, { ...opts, env: {} });
      expect(denied.outputTail).toContain('token=none');
      const env = suiteEnv(
        { GITHUB_TOKEN: '{inherit}', OTHER: '{runId}' },
        { reportDir: '/r', runId: 'R' },
        process.env,
      );
      expect(env).toEqual({ GITHUB_TOKEN: process.env.GITHUB_TOKEN, OTHER: 'R' });
      const asked = await port.run(show, { ...opts, env });
      expect(asked.outputTail).toContain(`token=${process.env.GITHUB_TOKEN}`);
    } finally {
      if (before === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = before;
    }
  }, 30_000);

  it('killTree reads the table again until nothing is left: a daemon re-spawning itself into new sessions dies', async () => {
    const token = newProcessToken();
    const born = join(dir, 'links.txt');
    // Each link writes its pid, starts the next link in a new session, and exits 0.3 s later: a kill
    // that reads the process table once misses the link born while it reads. Bounded whatever the
    // kill does (no link after the 200th, none once the test's folder is gone): a chain that outlived
    // a failing run of this test once kept a machine busy for hours.
    const link = `[ -d '${dir}' ] && [ "$(wc -l < '${born}' 2>/dev/null || echo 0)" -lt 200 ] || exit 0; echo $$ >> '${born}'; setsid sh -c "$LINK" & sleep 0.3`;
    const first = spawn('sh', ['-c', link], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, LINK: link, [TOKEN_ENV]: token },
    });
    first.unref();
    const links = () =>
      existsSync(born) ? readFileSync(born, 'utf8').split('\n').filter(Boolean).length : 0;
    while (links() < 3) await new Promise((r) => setTimeout(r, 10));
    const killed = killTree(first.pid, token);
    expect(killed.length).toBeGreaterThan(0);
    // Nothing carries the marker any more, so nothing is left that could start another link.
    expect(processesWithToken(token)).toEqual([]);
  }, 60_000);

  it('the journal names a command before it starts: a tdl killed right after the spawn leaves it findable', async () => {
    const runDir = join(dir, 'run');
    mkdirSync(runDir, { recursive: true });
    let tokenInJournal = false;
    let spawned: number | undefined;
    // A port that starts the command with its marker and then, like a tdl SIGKILLed at that moment,
    // never reports the start nor waits for the end.
    const dying: ProcessPort = {
      run(argv, options) {
        tokenInJournal = readFileSync(join(runDir, CHILDREN_FILE), 'utf8').includes(options.token ?? '?');
        const c = spawn(argv[0]!, argv.slice(1), {
          detached: true,
          stdio: 'ignore',
          env: { ...process.env, [TOKEN_ENV]: options.token ?? '' },
        });
        c.unref();
        spawned = c.pid;
        return new Promise(() => {});
      },
    };
    void journaledProcesses(dying, runDir).run([node, '-e', 'setInterval(() => {}, 1000)'], {
      cwd: dir,
      env: {},
      timeoutMs: 60_000,
      logFile: join(dir, 'dying.log'),
    });
    expect(tokenInJournal).toBe(true);
    expect(alive(spawned!)).toBe(true);
    expect(killSurvivors(runDir)).toBe(1);
    expect(alive(spawned!)).toBe(false);
  }, 60_000);
});
