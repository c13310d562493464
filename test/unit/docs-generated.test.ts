/**
 * The generated reference pages match the code: the command tree (src/cli/program.ts) and the
 * playbook schema. When this fails, run `npm run docs` and commit the result.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliReference, errorReference } from '../../src/cli/reference.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { playbookReference } from '../../src/playbook/reference.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('generated docs', () => {
  it('docs/cli.md is what the command tree prints (npm run docs)', () => {
    expect(read('docs/cli.md')).toBe(cliReference());
  });

  it('docs/cli.md names every command and option, --wait, --dir, --limit and --json included', () => {
    const doc = read('docs/cli.md');
    for (const c of [
      'run',
      'resume',
      'status',
      'results',
      'audit',
      'publish',
      'worklogs',
      'init',
      'doctor',
      'schema',
      'mcp',
    ])
      expect(doc).toContain(`## tdl ${c}`);
    for (const option of ['--wait', '--dir', '--limit', '--json', '--until-green', '--dry-run'])
      expect(doc).toContain(option);
  });

  it('docs/errors.md lists every error code with its exit code (npm run docs)', () => {
    expect(read('docs/errors.md')).toBe(errorReference());
    for (const [code, e] of Object.entries(ERROR_CODES)) {
      expect(read('docs/errors.md')).toContain(`| \`${code}\` | ${e.exit} |`);
      expect([2, 3]).toContain(e.exit);
    }
  });

  it('docs/playbook.md is generated from the playbook schema (npm run docs)', () => {
    expect(read('docs/playbook.md')).toBe(playbookReference());
  });

  it('docs/playbook.md carries the zod descriptions of nested keys', () => {
    const doc = read('docs/playbook.md');
    expect(doc).toContain('| `suites[].id` |');
    expect(doc).toContain('Suites run at once within a tier.');
    expect(doc).toContain('| `redact.env` |');
  });
});
