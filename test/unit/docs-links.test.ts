/**
 * The README and docs/ link only to files inside the repository that exist, and to headings that
 * exist in them; the README stays an entry page (at most ~250 lines), the reference lives in docs/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchors(text: string): Set<string> {
  return new Set(
    withoutCode(text).flatMap((l) => (/^#{1,6} (.*)/.exec(l) ? [slug(l.replace(/^#+ /, ''))] : [])),
  );
}

/** The lines outside fenced code blocks. */
function withoutCode(text: string): string[] {
  let inCode = false;
  return text.split('\n').filter((l) => {
    if (l.startsWith('```')) inCode = !inCode;
    return !inCode && !l.startsWith('```');
  });
}

const FILES = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

describe('links in the README and docs/', () => {
  const links = FILES.flatMap((file) =>
    withoutCode(readFileSync(file, 'utf8')).flatMap((line) =>
      [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ file, target: m[1]! })),
    ),
  );

  it('found the links', () => {
    expect(links.length).toBeGreaterThan(30);
  });

  it('every relative link names a file inside the repository that exists, and a heading it has', () => {
    const broken: string[] = [];
    for (const { file, target } of links) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const dest = path ? resolve(dirname(file), path) : file;
      const where = `${relative(ROOT, file)}: ${target}`;
      if (relative(ROOT, dest).startsWith('..')) broken.push(`${where} (outside the repository)`);
      else if (!existsSync(dest)) broken.push(`${where} (no such file)`);
      else if (anchor && dest.endsWith('.md') && !anchors(readFileSync(dest, 'utf8')).has(anchor))
        broken.push(`${where} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it('the README is an entry page: quick start first, at most ~250 lines, the rest linked in docs/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    expect(readme.indexOf('npm ci && npm run demo')).toBeLessThan(readme.indexOf('npm test'));
    expect(readme.slice(0, 400)).toContain('npm ci && npm run demo');
    for (const page of ['docs/cli.md', 'docs/playbook.md', 'docs/architecture.md', 'docs/performance.md'])
      expect(readme).toContain(`](${page})`);
  });
});
