import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessPort } from '../../src/adapters/process/index.js';
import { alive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const port = createProcessPort();
const node = process.execPath;

/** Polls until `cond` holds; the test's own timeout bounds the wait (no guessed deadline). */
async function waitFor(cond: () => boolean): Promise<boolean> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
  return true;
}

// A parent (a shell: it has written the pid within a millisecond of starting, long before any timeout,
// even on a loaded machine) that starts a grandchild sleeping 60 s, writes its pid, then does `then`:
// waits for it (hangs) or exits 0.1 s later leaving it behind.
function familyScript(pidFile: string, then: 'hang' | 'exit'): string[] {
  const code = `sleep 60 & echo $! > '${pidFile}'; echo started grandchild $!; ${then === 'hang' ? 'wait' : 'sleep 0.1; exit 0'}`;
  return ['sh', '-c', code];
}

describe('ProcessPort (execa, process groups)', () => {
  it('runs a command with argv, cwd and env, and keeps its output in a log and a tail', async () => {
    const log = join(dir, 'echo.log');
    const r = await port.run(
      [node, '-e', 'console.log(process.cwd(), process.env.TDL_X); console.error("to stderr")'],
      {
        cwd: dir,
        env: { TDL_X: 'value with spaces; $(not a shell)' },
        timeoutMs: 10_000,
        logFile: log,
      },
    );
    expect(r.exitCode).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(readFileSync(log, 'utf8')).toContain(`${dir} value with spaces; $(not a shell)`);
    expect(r.outputTail).toContain('to stderr');
  });

  it('reports a command that cannot start', async () => {
    const r = await port.run(['/nonexistent/tdl-no-such-command'], {
      cwd: dir,
      env: {},
      timeoutMs: 5000,
      logFile: join(dir, 'x.log'),
    });
    expect(r.spawnError).toMatch(/ENOENT|not found|no such/i);
    expect(r.exitCode).toBeNull();
  });

  it('kills the whole tree of a command that hangs past its timeout', async () => {
    const pidFile = join(dir, 'hang.pid');
    const started = Date.now();
    const r = await port.run(familyScript(pidFile, 'hang'), {
      cwd: dir,
      env: {},
      timeoutMs: 1500,
      logFile: join(dir, 'hang.log'),
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(8000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !alive(grandchild))).toBe(true);
  });

  it('leaves no grandchild behind when the command itself exits', async () => {
    const pidFile = join(dir, 'exit.pid');
    const r = await port.run(familyScript(pidFile, 'exit'), {
      cwd: dir,
      env: {},
      timeoutMs: 20_000,
      logFile: join(dir, 'exit.log'),
    });
    expect(r.exitCode).toBe(0);
    expect(r.timedOut).toBe(false);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !alive(grandchild))).toBe(true);
  });

  it('stops on an abort signal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await port.run([node, '-e', 'setInterval(() => {}, 1000)'], {
      cwd: dir,
      env: {},
      timeoutMs: 30_000,
      logFile: join(dir, 'abort.log'),
      signal: controller.signal,
    });
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).toBeNull();
  });

  it('keeps memory and the log bounded for a command printing 256 MB', async () => {
    const log = join(dir, 'flood.log');
    const code = `const b = Buffer.alloc(1 << 20, 97); let n = 0; (function w() { while (n < 256) { n++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); } })();`;
    const before = process.memoryUsage().rss;
    const r = await port.run([node, '-e', code], {
      cwd: dir,
      env: {},
      timeoutMs: 60_000,
      logFile: log,
      maxLogBytes: 4 * 1024 * 1024,
      tailBytes: 16 * 1024,
    });
    const grown = process.memoryUsage().rss - before;
    expect(r.exitCode).toBe(0);
    expect(r.outputBytes).toBe(256 * 1024 * 1024);
    expect(r.logTruncated).toBe(true);
    expect(statSync(log).size).toBeLessThan(5 * 1024 * 1024);
    expect(r.outputTail.length).toBeLessThanOrEqual(16 * 1024);
    expect(grown).toBeLessThan(128 * 1024 * 1024);
    expect(existsSync(log)).toBe(true);
  }, 60_000);
});
