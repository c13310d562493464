/**
 * The audit against a parser-based ground truth (Python's ast/tokenize, the TypeScript compiler API:
 * scripts/audit-truth/) on a committed slice of the bench corpus (test/fixtures/audit-corpus/, see its
 * PROVENANCE.md): precision and recall per rule kind. The whole corpus: `npm run bench -- audit-real`.
 */
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (the bench's), no types
import { compare, filesOf } from '../../scripts/audit-truth/compare.mjs';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/audit-corpus');
let dir: string;

/** The slice as a git tree with its real file names (committed with a `.fixture` suffix). */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tdl-truth-'));
  cpSync(FIXTURES, dir, { recursive: true });
  const strip = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) strip(p);
      else if (e.name.endsWith('.fixture')) renameSync(p, p.slice(0, -'.fixture'.length));
    }
  };
  strip(dir);
  await execa('git', ['init', '-q'], { cwd: dir });
  await execa('git', ['add', '-A'], { cwd: dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Kinds = Record<
  string,
  { precision: number; recall: number; truth: number; falsePositives: string[]; missed: string[] }
>;

describe('tdl audit against the parsers, on a slice of the real corpus', () => {
  it.each([
    [
      'saleor (Python)',
      'saleor',
      {
        lang: 'py',
        names: ['*Error', '*Manager', 'Meta', '*Enum', '*Type'],
        maxLines: 25,
        pattern: '\\.get\\(',
        module: 'django.db',
      },
    ],
    [
      'spack-packages (Python, f-strings)',
      'spack',
      {
        lang: 'py',
        names: ['*Builder', '*Base', '*Error', '*Mixin'],
        maxLines: 25,
        pattern: 'os\\.environ\\[',
        module: 'spack_repo.builtin.build_systems.makefile',
      },
    ],
    [
      'ant-design (TSX)',
      'ant-design',
      {
        lang: 'ts',
        names: ['*Props', '*Token', '*Type', '*Config'],
        maxLines: 25,
        pattern: '\\.current\\b',
        module: 'react',
      },
    ],
  ])(
    '%s: precision and recall >= 0.99 per rule kind',
    (_name, sub, req) => {
      const root = join(dir, sub);
      const files = filesOf(root, req.lang);
      expect(files.length).toBeGreaterThan(5);
      const { kinds, unparsed } = compare(root, files, req) as { kinds: Kinds; unparsed: string[] };
      expect(unparsed).toEqual([]);
      for (const [kind, k] of Object.entries(kinds)) {
        // Every kind has something to find in the slice, or the check proves nothing.
        expect(k.truth, kind).toBeGreaterThan(0);
        expect(k.precision, `${kind} false positives: ${k.falsePositives.join(', ')}`).toBeGreaterThanOrEqual(
          0.99,
        );
        expect(k.recall, `${kind} missed: ${k.missed.join(', ')}`).toBeGreaterThanOrEqual(0.99);
      }
    },
    120_000,
  );
});
