/**
 * The masker of lex.ts run on a file's raw UTF-8 bytes, for the scan's fast path: it answers "is
 * this byte range code?" without decoding the file into a string and without building the masked
 * text. It blanks exactly what maskJs/maskPy blank (byte offsets instead of string offsets): every
 * character that changes the lexical state is ASCII, and in UTF-8 every byte of a non-ASCII
 * character is >= 128, so decoding changes offsets but never the decisions. The lexers are kept
 * side by side on purpose (a shared generic one is much slower); test/unit/audit-fastpath.test.ts
 * compares them on tricky and generated inputs.
 *
 * `limit`: stop once top-level code reaches this offset. Every construct that starts before the stop
 * is finished first and later ones only blank at or after it, so the blanks below `limit` are final.
 */
import type { Lang } from './lex.js';

const NL = 10;
const CR = 13;
const BACKSLASH = 92;

/** Bytes where JS/TS code can change state: / ' " ` { }; Python: # ' " { }. */
const JS_STOP = new Uint8Array(256);
const PY_STOP = new Uint8Array(256);
for (const c of '/\'"`{}') JS_STOP[c.charCodeAt(0)] = 1;
for (const c of '#\'"{}') PY_STOP[c.charCodeAt(0)] = 1;

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

function isIdent(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127
  );
}

function indexOfByte(b: Uint8Array, c: number, from: number): number {
  const n = b.length;
  for (let i = from; i < n; i++) if (b[i] === c) return i;
  return -1;
}

/** Blanked [start, end) byte ranges of JS/TS source, final below `limit`. */
export function blanksJs(b: Uint8Array, limit = Number.POSITIVE_INFINITY): number[] {
  const blanks: number[] = [];
  const n = b.length;
  const blank = (x: number, y: number) => {
    if (y > x) blanks.push(x, y);
  };

  const quoted = (i: number, q: number): number => {
    const start = i;
    i++;
    let closed = false;
    while (i < n) {
      const c = b[i]!;
      if (c === BACKSLASH) i += 2;
      else if (c === q) {
        i++;
        closed = true;
        break;
      } else if (c === NL) break;
      else i++;
    }
    i = Math.min(i, n);
    blank(start + 1, closed ? i - 1 : i);
    return i;
  };

  const template = (i: number): number => {
    let segment = i;
    while (i < n) {
      const c = b[i]!;
      if (c === BACKSLASH) i += 2;
      else if (c === 96) {
        blank(segment, i);
        return i + 1;
      } else if (c === 36 && b[i + 1] === 123) {
        blank(segment, i);
        i = code(i + 2, true, Number.POSITIVE_INFINITY);
        segment = i;
      } else i++;
    }
    blank(segment, n);
    return n;
  };

  const regex = (i: number): number => {
    const start = i;
    i++;
    let inClass = false;
    let closed = false;
    while (i < n) {
      const c = b[i]!;
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
        closed = true;
        break;
      } else i++;
    }
    // maskJs leaves the last character unblanked (the closing '/', or whatever character ends an
    // unterminated literal): find where that character starts in bytes. Of a 4-byte character it
    // blanks the first UTF-16 half, so here the whole character is blanked.
    let end = i - 1;
    if (!closed && end < n) {
      while (end > start + 1 && (b[end]! & 0xc0) === 0x80) end--;
      if (b[end]! >= 0xf0) end = i;
    }
    blank(start + 1, end);
    while (i < n && isIdent(b[i]!)) i++;
    return i;
  };

  const regexAllowed = (i: number): boolean => {
    // As in lex.ts: `/>` and `</` are JSX tags, not regexes.
    if (b[i + 1] === 62) return false;
    let j = i - 1;
    while (j >= 0) {
      const c = b[j]!;
      if (c !== 32 && c !== 9 && c !== NL && c !== CR) break;
      j--;
    }
    if (j < 0) return true;
    const c = b[j]!;
    if (c === 41 || c === 93 || c === 39 || c === 34 || c === 96 || c === 60) return false;
    if (!isIdent(c)) return true;
    let k = j;
    while (k >= 0 && isIdent(b[k]!)) k--;
    // The keywords are 2-10 ASCII letters; a longer word or one with a non-ASCII byte is none of them.
    if (j - k > 10) return false;
    return REGEX_AFTER_WORD.has(String.fromCharCode(...b.subarray(k + 1, j + 1)));
  };

  function code(i: number, untilBrace: boolean, stop: number): number {
    let depth = 0;
    while (i < n && i < stop) {
      while (i < n && JS_STOP[b[i]!] === 0) i++;
      if (i >= n) return n;
      const c = b[i]!;
      if (c === 47) {
        const d = b[i + 1];
        if (d === 47) {
          const e = indexOfByte(b, NL, i);
          const end = e === -1 ? n : e;
          blank(i, end);
          i = end;
        } else if (d === 42) {
          let e = i + 2;
          while (e < n - 1 && !(b[e] === 42 && b[e + 1] === 47)) e++;
          const end = e >= n - 1 ? n : e + 2;
          blank(i, end);
          i = end;
        } else if (regexAllowed(i)) i = regex(i);
        else i++;
      } else if (c === 39 || c === 34) i = quoted(i, c);
      else if (c === 96) i = template(i + 1);
      else if (c === 123) {
        depth++;
        i++;
      } else {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
        i++;
      }
    }
    return Math.min(i, n);
  }

  code(0, false, limit);
  return blanks;
}

/** Blanked [start, end) byte ranges of Python source, final below `limit`. */
export function blanksPy(b: Uint8Array, limit = Number.POSITIVE_INFINITY): number[] {
  const blanks: number[] = [];
  const n = b.length;
  const blank = (x: number, y: number) => {
    if (y > x) blanks.push(x, y);
  };

  function str(i: number, fmt: boolean): number {
    const q = b[i]!;
    const triple = b[i + 1] === q && b[i + 2] === q;
    const qlen = triple ? 3 : 1;
    i += qlen;
    let segment = i;
    while (i < n) {
      const c = b[i]!;
      if (c === BACKSLASH) i += 2;
      else if (c === q && (!triple || (b[i + 1] === q && b[i + 2] === q))) {
        blank(segment, i);
        return i + qlen;
      } else if (c === NL && !triple) break;
      else if (fmt && c === 123) {
        if (b[i + 1] === 123) i += 2;
        else {
          blank(segment, i + 1);
          i = code(i + 1, true, Number.POSITIVE_INFINITY);
          segment = i;
        }
      } else i++;
    }
    blank(segment, Math.min(i, n));
    return i;
  }

  /** Whether the quote at `q` has a prefix with `f` (r, b, u, f: at most two letters, not inside a word). */
  const fmtPrefix = (q: number): boolean => {
    let j = q - 1;
    let fmt = false;
    while (j >= 0 && q - j <= 2) {
      const c = b[j]! | 32;
      if (c !== 114 && c !== 98 && c !== 117 && c !== 102) break;
      if (c === 102) fmt = true;
      j--;
    }
    if (q - 1 - j === 0 || (j >= 0 && isIdent(b[j]!))) return false;
    return fmt;
  };

  function code(i: number, untilBrace: boolean, stop: number): number {
    let depth = 0;
    while (i < n && i < stop) {
      while (i < n && PY_STOP[b[i]!] === 0) i++;
      if (i >= n) return n;
      const c = b[i]!;
      if (c === 35) {
        const e = indexOfByte(b, NL, i);
        const end = e === -1 ? n : e;
        blank(i, end);
        i = end;
      } else if (c === 39 || c === 34) i = str(i, fmtPrefix(i));
      else if (c === 123) {
        depth++;
        i++;
      } else {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
        i++;
      }
    }
    return Math.min(i, n);
  }

  code(0, false, limit);
  return blanks;
}

export function blanksOf(b: Uint8Array, lang: Lang, limit?: number): number[] {
  return lang === 'py' ? blanksPy(b, limit) : blanksJs(b, limit);
}
