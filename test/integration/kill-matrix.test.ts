/**
 * The kill matrix, reduced for CI (the full size, >= 150 SIGKILLs and >= 49 signal trials, runs under
 * `npm run bench`): real tdl runs on suites with children, grandchildren, setsid descendants and
 * TERM-ignoring processes, killed or signalled; 0 orphans, 0 duplicate worklogs, 0 stale locks, no
 * record left "running", exit code 128 + signal.
 */
import { expect, it } from 'vitest';
import { runKillMatrix } from '../../src/sandbox/matrix/kills.js';
import { CLI } from './helpers.js';

it('SIGKILL then resume or the next run, and every interrupting signal: nothing orphaned or left behind', async () => {
  const r = await runKillMatrix(CLI, {
    sigkills: 3,
    signalRounds: 1,
    signalPairs: [
      ['setsid', 'SIGHUP'],
      ['term-ignoring', 'SIGTERM'],
      ['mixed', 'SIGQUIT'],
      ['grandchildren', 'double SIGINT'],
      ['children', 'SIGINT'],
      ['respawning', 'SIGTERM'],
    ],
  });
  expect(r.wrongExitCodes).toEqual([]);
  expect(r.sigkills).toBe(3);
  expect(r.signalTrials).toBe(6);
  // The suites really started their descendants (so "0 orphans" means they were killed).
  expect(r.processesSeen).toBeGreaterThanOrEqual(5 * 3);
  expect(r.orphanTrials).toEqual([]);
  expect(r.orphans).toBe(0);
  expect(r.duplicateWorklogs).toBe(0);
  expect(r.staleLocks).toBe(0);
  expect(r.recordsRunning).toBe(0);
}, 180_000);
