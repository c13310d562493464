// The read pipe's protocol, both sides in this thread: the reader side runs first (it fits in the
// slots, so it never waits), then the consumer. Real reader threads are exercised by
// test/integration/audit.test.ts through the built CLI.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  consumeBatches,
  FILES_PER_BATCH,
  newReadJob,
  readBatches,
  SLOT_BYTES,
} from '../../src/audit/read-pipe.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function tree(files: Record<string, string | Buffer>): string {
  dir = mkdtempSync(join(tmpdir(), 'tdl-pipe-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return `${dir}/`;
}

function consume(prefix: string, names: string[], stallMs?: number) {
  const job = newReadJob(prefix, names);
  const got: [number, string][] = [];
  const here: number[] = [];
  const skipped: [number, string][] = [];
  const readHere = (i: number) => {
    here.push(i);
    return Buffer.from(`here:${names[i]}`);
  };
  return {
    job,
    got,
    here,
    skipped,
    run: () =>
      consumeBatches(
        job,
        names.length,
        readHere,
        (i, b) => got.push([i, b.toString()]),
        (i, reason) => skipped.push([i, reason]),
        stallMs,
      ),
  };
}

describe('read pipe', () => {
  it('hands every file over in order, across several batches, skipping unreadable ones', () => {
    const names = Array.from({ length: FILES_PER_BATCH * 3 + 5 }, (_, i) => `d${i % 7}/f${i}.ts`);
    const prefix = tree(Object.fromEntries(names.map((n) => [n, `content of ${n}`])));
    names.splice(10, 0, 'missing.ts');
    const c = consume(prefix, names);
    readBatches(c.job);
    c.run();
    expect(c.here).toEqual([]);
    expect(c.got.map(([i]) => i)).toEqual(names.map((_, i) => i).filter((i) => i !== 10));
    expect(c.skipped).toEqual([[10, 'unreadable']]);
    for (const [i, text] of c.got) expect(text).toBe(`content of ${names[i]}`);
  });

  it('leaves a file that does not fit in its slot to the consumer, and an empty file is empty', () => {
    const big = Buffer.alloc(SLOT_BYTES + 10, 97);
    const prefix = tree({ 'a.ts': 'a', 'big.ts': big, 'empty.ts': '', 'z.ts': 'z' });
    const c = consume(prefix, ['a.ts', 'big.ts', 'empty.ts', 'z.ts']);
    readBatches(c.job);
    c.run();
    expect(c.here).toEqual([1]);
    expect(c.got).toEqual([
      [0, 'a'],
      [1, 'here:big.ts'],
      [2, ''],
      [3, 'z'],
    ]);
  });

  it('reads the rest itself when no reader makes progress', () => {
    const prefix = tree({ 'a.ts': 'a', 'b.ts': 'b' });
    const c = consume(prefix, ['a.ts', 'b.ts'], 50);
    const started = Date.now();
    c.run(); // nobody reads: after 50 ms without progress the consumer takes over
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(c.here).toEqual([0, 1]);
    expect(c.got).toEqual([
      [0, 'here:a.ts'],
      [1, 'here:b.ts'],
    ]);
    // A reader that turns up late sees the stop flag and returns (were it to wait, this test would time out).
    readBatches(c.job);
  });
});
