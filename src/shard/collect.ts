/**
 * Reading partial records for a merge. A tier's gate only needs each chunk's counts and verdict, so
 * `tdl merge --tier` drops the test cases as each file is read (64 partials of 10,000 tests stay
 * small in memory); `--finish` keeps them, because phases 3-6 read every test.
 */
import { readFileSync } from 'node:fs';
import { errorMessage } from '../core/errors.js';
import { expandSuite } from '../history/compact.js';
import type { StoredSuite, SuiteResult } from '../phase-data/run-tests.js';
import { parsePartial, type ReadPartial } from './document.js';

export function readPartials(files: readonly string[], keepCases: boolean): ReadPartial[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      return { file, problem: `cannot be read (${errorMessage(error)})` };
    }
    const read = parsePartial(file, text);
    if (!('partial' in read)) return read;
    for (const chunk of read.partial.chunks)
      chunk.suite = keepCases ? expandSuite(chunk.suite) : withoutCases(chunk.suite);
    return read;
  });
}

function withoutCases(suite: StoredSuite): SuiteResult {
  const { passed: _p, ...rest } = suite;
  return { ...rest, cases: [] };
}
