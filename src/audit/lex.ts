/**
 * Language-aware masking: comments and the contents of string literals (docstrings, template text,
 * regex literals) become spaces, newlines stay, so offsets and lines in the masked text are those of
 * the source. Code inside `${...}` (JS templates) and `{...}` (Python f-strings) stays code. Rules run
 * their regexes on the masked text, so nothing inside a comment or a string is ever a finding.
 */

export type Lang = 'ts' | 'py';

export interface MaskedSource {
  /** The source with comments and string contents blanked (quote characters kept). */
  code: string;
  /** String literals as [start, end) pairs including their quotes, in source order. */
  strings: number[];
}

const NL = 10;
const CR = 13;
const BACKSLASH = 92;

function isIdent(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127
  );
}

class Masker {
  /** [start, end) ranges to blank. */
  readonly blanks: number[] = [];
  readonly strings: number[] = [];
  constructor(readonly text: string) {}

  blank(a: number, b: number): void {
    if (b > a) this.blanks.push(a, b);
  }

  result(): MaskedSource {
    const { text, blanks } = this;
    if (blanks.length === 0) return { code: text, strings: this.strings };
    const parts: string[] = [];
    let at = 0;
    for (let k = 0; k < blanks.length; k += 2) {
      const a = blanks[k]!;
      const b = blanks[k + 1]!;
      parts.push(text.slice(at, a), text.slice(a, b).replace(/[^\n\r]/g, ' '));
      at = b;
    }
    parts.push(text.slice(at));
    return { code: parts.join(''), strings: this.strings };
  }
}

// ---------------------------------------------------------------- JavaScript / TypeScript

const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** Masks JS/TS source. Quoted strings end at a newline, so a stray quote (JSX text) harms one line. */
export function maskJs(text: string): MaskedSource {
  const m = new Masker(text);
  const n = text.length;
  // 'value': an operand just ended (a `/` divides); 'op': an operator or start (a `/` starts a regex).
  let prev: 'value' | 'op' = 'op';

  const quoted = (i: number, q: number): number => {
    const start = i;
    i++;
    let closed = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === q) {
        i++;
        closed = true;
        break;
      } else if (c === NL) break;
      else i++;
    }
    i = Math.min(i, n);
    m.blank(start + 1, closed ? i - 1 : i);
    m.strings.push(start, i);
    return i;
  };

  // Template text from just after '`' (or after a '}' closing an interpolation) to the end '`'.
  const template = (i: number, literalStart: number): number => {
    let segment = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === 96) {
        m.blank(segment, i);
        m.strings.push(literalStart, i + 1);
        return i + 1;
      } else if (c === 36 && text.charCodeAt(i + 1) === 123) {
        m.blank(segment, i);
        i = code(i + 2, true);
        segment = i;
      } else i++;
    }
    m.blank(segment, n);
    return n;
  };

  const regex = (i: number): number => {
    const start = i;
    i++;
    let inClass = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === NL) break;
      else if (c === 91) {
        inClass = true;
        i++;
      } else if (c === 93) {
        inClass = false;
        i++;
      } else if (c === 47 && !inClass) {
        i++;
        break;
      } else i++;
    }
    m.blank(start + 1, i - 1);
    while (i < n && isIdent(text.charCodeAt(i))) i++;
    return i;
  };

  /** Scans code from `i`; with `untilBrace`, stops after the `}` that closes an interpolation. */
  function code(i: number, untilBrace: boolean): number {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === NL || c === CR) {
        i++;
      } else if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 47) {
          const e = text.indexOf('\n', i);
          const end = e === -1 ? n : e;
          m.blank(i, end);
          i = end;
        } else if (d === 42) {
          const e = text.indexOf('*/', i + 2);
          const end = e === -1 ? n : e + 2;
          m.blank(i, end);
          i = end;
        } else if (prev === 'op') {
          i = regex(i);
          prev = 'value';
        } else {
          i++;
          prev = 'op';
        }
      } else if (c === 39 || c === 34) {
        i = quoted(i, c);
        prev = 'value';
      } else if (c === 96) {
        i = template(i + 1, i);
        prev = 'value';
      } else if (isIdent(c)) {
        const s = i;
        while (i < n && isIdent(text.charCodeAt(i))) i++;
        prev = REGEX_AFTER_WORD.has(text.slice(s, i)) ? 'op' : 'value';
      } else if (c === 123) {
        depth++;
        i++;
        prev = 'op';
      } else if (c === 125) {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
        i++;
        prev = 'op';
      } else if (c === 41 || c === 93) {
        i++;
        prev = 'value';
      } else {
        i++;
        prev = 'op';
      }
    }
    return n;
  }

  code(0, false);
  return m.result();
}

// ---------------------------------------------------------------- Python

function stringPrefixAt(text: string, i: number): { quoteAt: number; fmt: boolean } | null {
  // A string prefix is 1-2 letters of r, b, u, f (any case) right before the quote.
  let j = i;
  let fmt = false;
  while (j < text.length && j - i < 3) {
    const c = text.charCodeAt(j) | 32;
    if (c === 114 || c === 98 || c === 117 || c === 102) {
      if (c === 102) fmt = true;
      j++;
    } else break;
  }
  const q = text.charCodeAt(j);
  if (j > i && (q === 39 || q === 34)) return { quoteAt: j, fmt };
  return null;
}

/** Masks Python source: `#` comments, strings and docstrings; f-string `{expressions}` stay code. */
export function maskPy(text: string): MaskedSource {
  const m = new Masker(text);
  const n = text.length;

  function str(i: number, fmt: boolean, literalStart: number): number {
    const q = text.charCodeAt(i);
    const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
    const qlen = triple ? 3 : 1;
    i += qlen;
    let segment = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === q && (!triple || (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q))) {
        m.blank(segment, i);
        m.strings.push(literalStart, i + qlen);
        return i + qlen;
      } else if (c === NL && !triple) break;
      else if (fmt && c === 123) {
        if (text.charCodeAt(i + 1) === 123) i += 2;
        else {
          m.blank(segment, i + 1);
          i = code(i + 1, true);
          segment = i;
        }
      } else i++;
    }
    m.blank(segment, Math.min(i, n));
    m.strings.push(literalStart, Math.min(i, n));
    return i;
  }

  function code(i: number, untilBrace: boolean): number {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 35) {
        const e = text.indexOf('\n', i);
        const end = e === -1 ? n : e;
        m.blank(i, end);
        i = end;
      } else if (c === 39 || c === 34) {
        i = str(i, false, i);
      } else if (isIdent(c)) {
        if (i === 0 || !isIdent(text.charCodeAt(i - 1))) {
          const p = stringPrefixAt(text, i);
          if (p) {
            i = str(p.quoteAt, p.fmt, i);
            continue;
          }
        }
        while (i < n && isIdent(text.charCodeAt(i))) i++;
      } else if (c === 123 || c === 40 || c === 91) {
        depth++;
        i++;
      } else if (c === 125 || c === 41 || c === 93) {
        if (untilBrace && depth === 0 && c === 125) return i + 1;
        depth--;
        i++;
      } else i++;
    }
    return n;
  }

  code(0, false);
  return m.result();
}

export function mask(text: string, lang: Lang): MaskedSource {
  return lang === 'py' ? maskPy(text) : maskJs(text);
}

const TS_EXT = /\.(?:[cm]?[jt]sx?)$/;
const PY_EXT = /\.pyi?$/;

/** The language of a file by its name, or null for files the audit does not read. */
export function langOf(file: string): Lang | null {
  if (TS_EXT.test(file)) return 'ts';
  if (PY_EXT.test(file)) return 'py';
  return null;
}

/** Where each line starts, for turning offsets into 1-based line numbers. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

/** 1-based line of `offset`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
