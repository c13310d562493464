/** Small markdown building blocks shared by the worklog, issue and PR bodies. */

/** A fenced code block whose fence is longer than any backtick run inside, so nothing escapes it. */
export function fence(text: string, lang = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = '`'.repeat(Math.max(3, longest + 1));
  return `${bar}${lang}\n${text.replace(/\n+$/, '')}\n${bar}`;
}

/**
 * Test-controlled text made inert for rendered markdown: no HTML (`<img>` shows as text), no live
 * `@mention`, no `#123` / `GH-123` reference (a zero-width space after `@` or `#` breaks the autolink
 * and leaves the text readable).
 */
export function inert(text: string): string {
  // Only what could start a tag or an entity is escaped: `62.5% < 80.0%` stays readable.
  return (
    text
      .replace(/&(?=#?\w+;)/g, '&amp;')
      .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
      .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b')
      // GitHub links `#12` after a non-word character; `[#12 …](url)` is a link tdl made itself.
      .replace(/(?<![[\w])#(?=\d)/g, '#\u200b')
      .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}\u200b-`)
  );
}

/** Text safe inside a table cell: one line, pipes escaped, inert (see `inert`). */
export function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '–';
  if (typeof text === 'number') return String(text);
  // Most cells (dates, ids, figures) hold nothing to change: one test instead of eight replaces
  // (INDEX.md has 9 cells in each of up to 1,000 rows).
  if (!/[&<@#|\n]|gh-/i.test(text)) return text;
  // `<br>` is the one tag a cell keeps (line breaks inside a cell); it cannot carry anything.
  return inert(text.replace(/\r?\n/g, ' '))
    .replace(/&lt;br>/g, '<br>')
    .replace(/\|/g, '\\|');
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  const head = `| ${headers.join(' | ')} |`;
  const sep = `|${headers.map(() => '---').join('|')}|`;
  return [head, sep, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function details(summary: string, body: string): string {
  return `<details><summary>${inert(summary)}</summary>\n\n${body}\n\n</details>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The last `maxLines` lines of a text, at most `maxChars` characters. */
export function excerpt(text: string, maxLines = 40, maxChars = 4000): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  let out = lines.slice(-maxLines).join('\n');
  if (out.length > maxChars) out = out.slice(-maxChars);
  return out;
}
