import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/agents.md'), 'utf8');
const REF = /<sub>✓ ([\w.-]+) › (.+?)<\/sub>/g;

/** The sources of the test files of that name (unit and integration may both have one). */
function testFile(name: string): string | null {
  const found = ['test/unit', 'test/integration']
    .map((dir) => join(ROOT, dir, name))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path, 'utf8'));
  return found.length ? found.join('\n') : null;
}

describe('docs/agents.md', () => {
  const refs = [...DOC.matchAll(REF)].map((m) => ({ file: m[1]!, title: m[2]! }));

  it('backs its statements with tests (at least one reference per section)', () => {
    const sections = DOC.split(/\n## /).slice(1);
    expect(sections.length).toBeGreaterThanOrEqual(5);
    for (const s of sections) expect(s, s.split('\n')[0]).toMatch(REF);
  });

  it.each([...DOC.matchAll(REF)].map((m) => [`${m[1]} › ${m[2]}`, m[1]!, m[2]!]))(
    'names a test that exists: %s',
    (_label, file, title) => {
      const source = testFile(file);
      expect(source, `no test file ${file}`).not.toBeNull();
      // The title as written in the test source: `it('title'`, `it("title"` or a template literal.
      expect(source!, `no test titled "${title}" in ${file}`).toContain(title);
    },
  );

  it('found its references', () => {
    expect(refs.length).toBeGreaterThan(20);
  });
});
