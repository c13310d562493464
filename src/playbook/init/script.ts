/**
 * Reading a package.json script the way a shell would, far enough for `tdl init`: split it at the
 * operators (`&&`, `||`, `;`, `|`), follow `npm run x` / `yarn x` / `pnpm x` into the scripts they
 * name, and find the segment that starts a test runner. Pure: text in, data out.
 */

export interface Segment {
  /** The segment as written. */
  raw: string;
  /** Words after quote removal; null when the segment needs a shell (`$`, globs, redirects, `(`). */
  words: string[] | null;
  /** The scripts followed to reach it (`test` → `test:node`). */
  via: string[];
}

/** Splits at top-level `&&`, `||`, `;` and `|` (outside quotes); returns the pieces, trimmed. */
export function splitOperators(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < script.length) {
        cur += c + script[++i];
        continue;
      }
      if (c === quote) quote = null;
      cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === '\\' && i + 1 < script.length) {
      cur += c + script[++i];
    } else if ((c === '&' && script[i + 1] === '&') || (c === '|' && script[i + 1] === '|')) {
      out.push(cur);
      cur = '';
      i++;
    } else if (c === ';' || c === '|') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Characters that only a shell gives meaning to (outside quotes). */
const SHELL_ONLY = /[$`*?[\]<>(){}~&]/;

/** Shell words of one segment with quotes removed, or null when it needs a shell to mean what it says. */
export function shellWords(segment: string): string[] | null {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '$' || c === '`') return null;
      else if (c === '\\' && /["\\$`]/.test(segment[i + 1] ?? '')) cur += segment[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < segment.length) {
      cur += segment[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (SHELL_ONLY.test(c)) {
      return null;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(cur);
  return words;
}

/** Programs that run the command written after them (coverage, env). */
export const WRAPPERS = new Set(['c8', 'nyc', 'cross-env', 'dotenv', 'env']);
const PMS = new Set(['npm', 'pnpm', 'yarn']);

/** The script a segment runs through the package manager (`npm run x`, `npm test`, `yarn x`, `pnpm run x`). */
export function scriptCalled(all: string[], scripts: Record<string, string>): string | undefined {
  // Past wrappers that run a command given after them: `c8 --100 -- npm run test-api`, `cross-env A=1 npm test`.
  const start = WRAPPERS.has(all[0] ?? '') ? all.findIndex((w) => PMS.has(w)) : 0;
  const words = start > 0 ? all.slice(start) : all;
  const [pm, a, b] = words;
  if (pm === 'npm' || pm === 'pnpm') {
    if ((a === 'run' || a === 'run-script') && b && !b.startsWith('-')) return b;
    if (a === 'test' || a === 't') return 'test';
    if (pm === 'pnpm' && a && !a.startsWith('-') && a in scripts) return a;
  }
  if (pm === 'yarn') {
    if (a === 'run' && b) return b;
    if (a && !a.startsWith('-') && a in scripts) return a;
  }
  return undefined;
}

/** Every segment the `name` script runs, following calls into other scripts (at most 5 deep). */
export function scriptSegments(scripts: Record<string, string>, name = 'test'): Segment[] {
  const out: Segment[] = [];
  const walk = (script: string, via: string[]) => {
    for (const raw of splitOperators(script)) {
      const words = shellWords(raw);
      const called = words ? scriptCalled(words, scripts) : undefined;
      const next = called === undefined ? undefined : scripts[called];
      if (next !== undefined && called !== undefined && !via.includes(called) && via.length < 5) {
        walk(next, [...via, called]);
      } else {
        out.push({ raw, words, via });
      }
    }
  };
  const script = scripts[name];
  if (script !== undefined) walk(script, [name]);
  return out;
}

/** Quotes a word for `sh` when it has to be (used only for suites that run with `shell: true`). */
export function shQuote(word: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
