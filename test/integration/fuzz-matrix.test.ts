/**
 * The input fuzz (issue 15) at CI size: mutated playbooks (plus the hostile set: aliases, nesting,
 * duplicate keys, huge documents) through `tdl run --dry-run`, malformed real reports through
 * `tdl results`, each a child process of the built CLI. Full size: `node scripts/bench/robustness.mjs`.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzPlaybooks, fuzzReports, HOSTILE_PLAYBOOKS } from '../../src/sandbox/matrix/fuzz.js';
import { CLI } from './helpers.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/reports');

describe('the input fuzz', () => {
  it('every mutated or hostile playbook is accepted or a located exit 2: no stack, bounded', () => {
    const f = fuzzPlaybooks(CLI, 16, 2026);
    expect(f.cases).toBe(16 + HOSTILE_PLAYBOOKS.length);
    expect(f.accepted + f.usageErrors).toBe(f.cases);
    expect(f.usageErrors).toBeGreaterThan(0);
    expect(f.unlocated).toEqual([]);
    expect(f.stackTraces).toEqual([]);
    expect(f.otherExits).toEqual([]);
    expect(f.overLimits).toEqual([]);
  }, 180_000);

  it('every malformed report is read or a located exit 2 naming the file: no stack, bounded', () => {
    const f = fuzzReports(CLI, FIXTURES, 14, 2026);
    expect(f.cases).toBe(14);
    expect(f.accepted + f.usageErrors).toBe(f.cases);
    expect(f.unlocated).toEqual([]);
    expect(f.stackTraces).toEqual([]);
    expect(f.otherExits).toEqual([]);
    expect(f.overLimits).toEqual([]);
  }, 120_000);
});
