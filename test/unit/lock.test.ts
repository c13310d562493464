import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../src/services/lock.js';

const dirs: string[] = [];
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tdl-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('acquireRunLock', () => {
  it('gives the lock to one of two runs and names that one to the other; leaves no temp file', async () => {
    const dir = stateDir();
    const first = await acquireRunLock({ stateDir: dir, runId: 'tdl-20260101-000000-aaaaaa', wait: false });
    await expect(
      acquireRunLock({ stateDir: dir, runId: 'tdl-20260101-000000-bbbbbb', wait: false }),
    ).rejects.toThrow(/another tdl run holds .*lock\.json: run tdl-20260101-000000-aaaaaa \(pid \d+ on /);
    expect(readdirSync(dir)).toEqual(['lock.json']);
    first.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a lock file it did not write, saying what to do', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'lock.json'), '');
    await expect(
      acquireRunLock({ stateDir: dir, runId: 'tdl-20260101-000000-cccccc', wait: false }),
    ).rejects.toThrow(/lock\.json: it is not a lock tdl wrote/);
  });
});
