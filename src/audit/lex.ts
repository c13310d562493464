/**
 * Language-aware masking: comments and the contents of string literals (docstrings, template text,
 * regex literals) become spaces, newlines stay, so offsets and lines in the masked text are those of
 * the source. Code inside `${...}` (JS templates) and `{...}` (Python f-strings) stays code. Rules run
 * their regexes on the masked text, so nothing inside a comment or a string is ever a finding.
 *
 * The audit's one lexer. The scan's fast path runs it on a file's latin1 reading (one character per
 * byte) to ask "is this byte range code?" without decoding UTF-8: every character that changes the
 * lexical state is ASCII, and in UTF-8 every byte of a non-ASCII character is >= 128 (an identifier
 * character here either way), so both readings take the same decisions at the same characters and the
 * blanks differ only in offsets (bytes vs UTF-16 units). Every blanked range starts and ends at an
 * ASCII character or at the end of the text, which is what keeps that true.
 *
 * `limit`: stop once top-level code reaches this offset. Every construct that starts before the stop
 * is finished first and later ones only blank at or after it, so the blanks below `limit` are final.
 */

export type Lang = 'ts' | 'py';

export interface MaskedSource {
  /** The source with comments and string contents blanked (quote characters kept); built on first use. */
  readonly code: string;
  /** Blanked ranges as sorted [start, end) pairs. */
  blanks: number[];
  /** String literals as [start, end) pairs including their quotes. */
  strings: number[];
  /** The contents of string literals (without quotes, prefixes and interpolations), sorted pairs. */
  contents: number[];
}

// Jumps between the characters that can change the lexical state (a native regex search). Shared:
// every use sets lastIndex first, so nested scans (template and f-string interpolations) are safe.
const JS_NEXT = /[/'"`{}]/g;
/** With JSX: `<` too (an element where an expression can start). */
const JSX_NEXT = /[/'"`{}<]/g;
/** In JSX children: what ends a run of text. */
const JSX_TEXT_NEXT = /[{<]/g;
const PY_NEXT = /[#'"{}]/g;
// In a Python literal: what ends a scan step, for ' and " literals, without and with f-string fields.
const PY_STRING_STOP = [/['\\\n]/g, /['\\\n{]/g, /["\\\n]/g, /["\\\n{]/g];

const NL = 10;
const CR = 13;
const BACKSLASH = 92;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
}

function isIdent(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127
  );
}

class Masker {
  /** [start, end) ranges to blank. */
  readonly blanks: number[] = [];
  readonly strings: number[] = [];
  readonly contents: number[] = [];
  constructor(readonly text: string) {}

  blank(a: number, b: number): void {
    if (b > a) this.blanks.push(a, b);
  }

  /** Blanks the contents of a string literal, and records them. */
  content(a: number, b: number): void {
    if (b > a) {
      this.blanks.push(a, b);
      this.contents.push(a, b);
    }
  }

  result(oneByte: boolean): MaskedSource {
    const { text, blanks, strings, contents } = this;
    let code: string | undefined;
    return {
      blanks,
      strings,
      contents,
      get code() {
        code ??= oneByte ? renderBytes(text, blanks) : render(text, blanks);
        return code;
      },
    };
  }
}

/** render() for a text with no character above U+00FF, through a byte buffer (no string per range). */
function renderBytes(text: string, blanks: readonly number[]): string {
  if (blanks.length === 0) return text;
  const b = Buffer.from(text, 'latin1');
  for (let k = 0; k < blanks.length; k += 2) {
    const end = blanks[k + 1]!;
    for (let i = blanks[k]!; i < end; i++) {
      const c = b[i]!;
      if (c !== NL && c !== CR) b[i] = 32;
    }
  }
  return b.toString('latin1');
}

function render(text: string, blanks: readonly number[]): string {
  if (blanks.length === 0) return text;
  // As renderBytes, on the UTF-16 code units (a file with characters above U+00FF): slicing and
  // joining the text around each blank range cost more than the blanking.
  const encoded = Buffer.from(text, 'utf16le');
  // Node's pool hands out 8-byte aligned slices; a copy for a view of 16-bit units otherwise.
  const b = encoded.byteOffset % 2 === 0 ? encoded : Buffer.from(new Uint8Array(encoded).buffer);
  const u = new Uint16Array(b.buffer, b.byteOffset, b.length >> 1);
  for (let k = 0; k < blanks.length; k += 2) {
    const end = blanks[k + 1]!;
    for (let i = blanks[k]!; i < end; i++) {
      const c = u[i]!;
      if (c !== NL && c !== CR) u[i] = 32;
    }
  }
  return b.toString('utf16le');
}

/** True when [start, end) overlaps no blanked range (it is all code). */
export function isCode(src: MaskedSource, start: number, end: number): boolean {
  return outsideBlanks(src.blanks, start, end);
}

/** True when [start, end) overlaps none of the sorted [start, end) pairs in `b`. */
export function outsideBlanks(b: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = b.length / 2;
  // First range whose end is after `start`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b[mid * 2 + 1]! <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo * 2 >= b.length || b[lo * 2]! >= Math.max(end, start + 1);
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

/**
 * Masks JS/TS source. Quoted strings end at a newline, so a stray quote harms one line. With `jsx`
 * (`.tsx`, `.jsx`, `.js`: see jsxOf), an element where an expression can start is read as JSX: its
 * text and attribute strings are blanked (and are string content), its `{expressions}` are code.
 */
export function maskJs(
  text: string,
  limit = Number.POSITIVE_INFINITY,
  oneByte = false,
  jsx = false,
): MaskedSource {
  const m = new Masker(text);
  const n = text.length;
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
    m.content(start + 1, closed ? i - 1 : i);
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
        m.content(segment, i);
        m.strings.push(literalStart, i + 1);
        return i + 1;
      } else if (c === 36 && text.charCodeAt(i + 1) === 123) {
        m.content(segment, i);
        i = code(i + 2, true);
        segment = i;
      } else i++;
    }
    m.content(segment, n);
    return n;
  };

  const regex = (i: number): number => {
    const start = i;
    i++;
    let inClass = false;
    let closed = false;
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
        closed = true;
        break;
      } else i++;
    }
    // An unterminated literal (a newline or the end before the closing '/') is blanked to there,
    // as an unterminated quoted string is.
    m.blank(start + 1, closed ? i - 1 : Math.min(i, n));
    while (i < n && isIdent(text.charCodeAt(i))) i++;
    return i;
  };

  /** Whether a `/` at `i` starts a regex literal, judged by the token before it. */
  const regexAllowed = (i: number): boolean =>
    // JSX: `/>` ends a self-closing tag and `</` opens a closing one; neither starts a regex.
    text.charCodeAt(i + 1) !== 62 && expressionAt(i);

  /** Whether an expression can start at `i` (not an operand before it), judged by the token before. */
  const expressionAt = (i: number): boolean => {
    let j = i - 1;
    while (j >= 0) {
      const c = text.charCodeAt(j);
      if (c !== 32 && c !== 9 && c !== NL && c !== CR) break;
      j--;
    }
    if (j < 0) return true;
    const c = text.charCodeAt(j);
    if (c === 41 || c === 93 || c === 39 || c === 34 || c === 96 || c === 60) return false; // ) ] a string <
    if (!isIdent(c)) return true;
    let k = j;
    while (k >= 0 && isIdent(text.charCodeAt(k))) k--;
    return REGEX_AFTER_WORD.has(text.slice(k + 1, j + 1));
  };

  const skipSpace = (i: number): number => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === NL || c === CR; c = text.charCodeAt(++i));
    return i;
  };
  /** A JSX name (`div`, `Foo.Bar`, `svg:rect`, `data-x`) from `i`: its end (`i`: none). */
  const jsxName = (i: number): number => {
    if (!isIdentStart(text.charCodeAt(i))) return i;
    let j = i + 1;
    for (
      let c = text.charCodeAt(j);
      isIdent(c) || c === 46 || c === 58 || c === 45;
      c = text.charCodeAt(++j)
    );
    return j;
  };

  /**
   * A JSX element (or fragment) whose `<` is at `i`: its attribute strings and its text are blanked,
   * `{expressions}` stay code. Returns where it ends, or -1 (nothing recorded) when it is not one:
   * a TSX arrow's type parameters (`<T,>`, `<T extends U>`), a stray `<`.
   */
  function jsxElement(i: number): number {
    const marks = [m.blanks.length, m.strings.length, m.contents.length] as const;
    const fail = () => {
      m.blanks.length = marks[0];
      m.strings.length = marks[1];
      m.contents.length = marks[2];
      return -1;
    };
    const children = (from: number, name: string) => {
      const e = jsxChildren(from, name);
      return e === -1 ? fail() : e;
    };
    if (text.charCodeAt(i + 1) === 62) return children(i + 2, ''); // <>fragment</>
    let j = jsxName(i + 1);
    if (j === i + 1) return -1;
    const name = text.slice(i + 1, j);
    for (let first = true; ; first = false) {
      j = skipSpace(j);
      if (j >= n) return fail();
      const c = text.charCodeAt(j);
      if (c === 47 && text.charCodeAt(j + 1) === 62) return j + 2;
      if (c === 62) return children(j + 1, name);
      if (c === 123) {
        j = code(j + 1, true);
        continue;
      }
      const end = jsxName(j);
      if (end === j || (first && text.slice(j, end) === 'extends')) return fail();
      j = skipSpace(end);
      if (text.charCodeAt(j) !== 61) continue; // a boolean attribute
      j = skipSpace(j + 1);
      const v = text.charCodeAt(j);
      if (v === 34 || v === 39) {
        // Attribute strings have no escapes and may span lines.
        const close = text.indexOf(v === 34 ? '"' : "'", j + 1);
        const e = close === -1 ? n : close;
        m.content(j + 1, e);
        m.strings.push(j, Math.min(e + 1, n));
        j = e + 1;
      } else if (v === 123) j = code(j + 1, true);
      else if (v === 60) {
        const e = jsxElement(j);
        if (e === -1) return fail();
        j = e;
      } else return fail();
    }
  }

  /**
   * An element's children from `i`: text is blanked (and is string content). Returns where its
   * closing tag (`</name>`) ends, or -1 when another one closes first or none does: then it was no
   * element (a generic function type `<T>(x: T) => T` reads like one), and the caller rolls back.
   */
  function jsxChildren(i: number, name: string): number {
    let segment = i;
    while (i < n) {
      JSX_TEXT_NEXT.lastIndex = i;
      const found = JSX_TEXT_NEXT.exec(text);
      if (!found) break;
      i = found.index;
      if (text.charCodeAt(i) === 123) {
        m.content(segment, i);
        i = code(i + 1, true);
        segment = i;
        continue;
      }
      if (text.charCodeAt(i + 1) === 47) {
        m.content(segment, i);
        const a = skipSpace(i + 2);
        const b = jsxName(a);
        const close = skipSpace(b);
        return text.slice(a, b) === name && text.charCodeAt(close) === 62 ? close + 1 : -1;
      }
      // The text so far first (ranges stay in order); a `<` that starts no element is text.
      m.content(segment, i);
      segment = i;
      const e = jsxElement(i);
      if (e === -1) i++;
      else {
        i = e;
        segment = e;
      }
    }
    return -1;
  }

  /**
   * Scans code from `i`; with `untilBrace`, stops after the `}` that closes an interpolation; at
   * `stop`, stops before the next construct.
   */
  function code(i: number, untilBrace: boolean, stop = Number.POSITIVE_INFINITY): number {
    let depth = 0;
    const next = jsx ? JSX_NEXT : JS_NEXT;
    while (i < n && i < stop) {
      next.lastIndex = i;
      const found = next.exec(text);
      if (!found) return n;
      i = found.index;
      const c = text.charCodeAt(i);
      if (c === 47) {
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
        } else if (regexAllowed(i)) i = regex(i);
        else i++;
      } else if (c === 39 || c === 34) i = quoted(i, c);
      else if (c === 96) i = template(i + 1, i);
      else if (c === 60) {
        const e = expressionAt(i) ? jsxElement(i) : -1;
        i = e === -1 ? i + 1 : e;
      } else if (c === 123) {
        depth++;
        i++;
      } else {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
        i++;
      }
    }
    return n;
  }

  code(0, false, limit);
  return m.result(oneByte);
}

// ---------------------------------------------------------------- Python

/** The string prefix (r, b, u, f: at most two letters) right before the quote at `q`. */
function prefixBefore(text: string, q: number): { length: number; fmt: boolean } {
  let j = q - 1;
  let fmt = false;
  while (j >= 0 && q - j <= 2) {
    const c = text.charCodeAt(j) | 32;
    if (c !== 114 && c !== 98 && c !== 117 && c !== 102) break;
    if (c === 102) fmt = true;
    j--;
  }
  const length = q - 1 - j;
  if (length === 0 || (j >= 0 && isIdent(text.charCodeAt(j)))) return { length: 0, fmt: false };
  return { length, fmt };
}

/** Masks Python source: `#` comments, strings and docstrings; f-string `{expressions}` stay code. */
export function maskPy(text: string, limit = Number.POSITIVE_INFINITY, oneByte = false): MaskedSource {
  const m = new Masker(text);
  const n = text.length;

  function str(i: number, fmt: boolean, literalStart: number): number {
    const q = text.charCodeAt(i);
    const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
    const qlen = triple ? 3 : 1;
    i += qlen;
    let segment = i;
    // The next character that can matter in this kind of literal (its quote, a backslash, a newline,
    // and `{` in an f-string), found by a regular expression rather than one character at a time:
    // docstrings and long strings are most of a Python file's text.
    const stop = PY_STRING_STOP[(q === 39 ? 0 : 2) + (fmt ? 1 : 0)]!;
    while (i < n) {
      stop.lastIndex = i;
      if (!stop.test(text)) {
        i = n;
        break;
      }
      i = stop.lastIndex - 1;
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === q && (!triple || (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q))) {
        m.content(segment, i);
        m.strings.push(literalStart, i + qlen);
        return i + qlen;
      } else if (c === NL && !triple) break;
      else if (fmt && c === 123) {
        if (text.charCodeAt(i + 1) === 123) i += 2;
        else {
          // The `{` stays code, as the `}` that ends the field does (and as `${` and `}` of a JS
          // template): a line's brackets then balance, which function and class extents count on.
          m.content(segment, i);
          i = code(i + 1, true);
          segment = i;
        }
      } else i++;
    }
    m.content(segment, Math.min(i, n));
    m.strings.push(literalStart, Math.min(i, n));
    return i;
  }

  function code(i: number, untilBrace: boolean, stop = Number.POSITIVE_INFINITY): number {
    let depth = 0;
    const next = PY_NEXT;
    while (i < n && i < stop) {
      next.lastIndex = i;
      const found = next.exec(text);
      if (!found) return n;
      i = found.index;
      const c = text.charCodeAt(i);
      if (c === 35) {
        const e = text.indexOf('\n', i);
        const end = e === -1 ? n : e;
        m.blank(i, end);
        i = end;
      } else if (c === 39 || c === 34) {
        const p = prefixBefore(text, i);
        i = str(i, p.fmt, i - p.length);
      } else if (c === 123) {
        depth++;
        i++;
      } else {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
        i++;
      }
    }
    return n;
  }

  code(0, false, limit);
  return m.result(oneByte);
}

/**
 * Masks `text` (see the top of this file). `oneByte`: the caller knows the text holds no character
 * above U+00FF (an ASCII file, or a latin1 reading), so the masked text is built as bytes.
 */
export function mask(text: string, lang: Lang, limit?: number, oneByte = false, jsx = false): MaskedSource {
  return lang === 'py' ? maskPy(text, limit, oneByte) : maskJs(text, limit, oneByte, jsx);
}

/**
 * Whether a JS/TS file may hold JSX: `.tsx`, `.jsx`, and plain `.js`/`.mjs`/`.cjs` (React code often
 * writes JSX there). Never `.ts`/`.mts`/`.cts`, where `<T>x` is a type assertion.
 */
export function jsxOf(file: string): boolean {
  return /\.(?:tsx|jsx|[cm]?js)$/.test(file);
}

// What /\.(?:[cm]?[jt]sx?)$/ and /\.pyi?$/ match, as a lookup (called for every listed file).
const EXT_LANG = new Map<string, Lang>([
  ...['', 'c', 'm'].flatMap((p) =>
    ['j', 't'].flatMap((l) => ['', 'x'].map((x): [string, Lang] => [`.${p}${l}s${x}`, 'ts'])),
  ),
  ['.py', 'py'],
  ['.pyi', 'py'],
]);

/** The language of a file by its name, or null for files the audit does not read. */
export function langOf(file: string): Lang | null {
  const dot = file.lastIndexOf('.');
  return dot === -1 ? null : (EXT_LANG.get(file.slice(dot)) ?? null);
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
