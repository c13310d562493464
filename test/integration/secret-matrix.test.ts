/**
 * The secret matrix, reduced to one round in CI (the full size runs under `npm run bench`): every
 * shape in every place, through real runs to the GitHub emulator and the outbox; 0 leaks, JSON parses.
 */
import { expect, it } from 'vitest';
import { runSecretMatrix } from '../../src/sandbox/matrix/secrets.js';
import { CLI } from './helpers.js';

it('0 leaks of 18 secret shapes from 10 places into 13 outputs; every JSON output parses', async () => {
  const r = await runSecretMatrix(CLI, 1);
  expect(r.shapes).toBeGreaterThanOrEqual(14);
  expect(r.exitCodes).toEqual([1, 1]);
  expect(r.jsonBroken).toEqual([]);
  expect(r.jsonDocs).toBeGreaterThan(10);
  expect(r.cells).toBeGreaterThanOrEqual(14 * 10 * 12);
  expect(r.leaks).toEqual([]);
  // The controls: plain markers in the same places do come out, so the places are really looked at.
  console.log(JSON.stringify(r.reached));
  expect(r.reached['failure message']).toEqual(
    expect.arrayContaining(['record', 'worklog .md', 'GitHub bodies', 'outbox']),
  );
  expect(r.reached['test name']).toEqual(expect.arrayContaining(['record', 'worklog .md', 'GitHub bodies']));
  expect(r.reached.stdout).toEqual(expect.arrayContaining(['record', 'worklog .md']));
}, 120_000);
