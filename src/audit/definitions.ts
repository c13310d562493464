/** Finding class / enum / interface / type-alias definitions in masked source, with enum members. */
import type { DefinitionKind, SiteKind } from './types.js';

export interface FoundDefinition {
  name: string;
  kind: SiteKind;
  /** Of an alias: the name it binds to. */
  target?: string;
  offset: number;
  endOffset: number;
  members?: string[];
  /** Enum member values as written in the source (when given), by member. */
  values?: Record<string, string>;
}

/**
 * Python enum bases: the standard library's, Django's choices, and by name a project's own bases
 * (`BaseEnum`, `StatusChoices`: a base named `…Enum` or `…Choices`). A project base named otherwise is
 * not recognised (that needs the whole project's classes; README says so).
 */
const PY_ENUM_BASES = /(?:^|[\s,.(])(?:\w*Enum|\w*Choices|Flag|IntFlag)\s*(?:[,)\]]|$)/;

/** `*State` → a regex source for identifiers (no anchors). */
export function globToIdent(glob: string): string {
  return glob
    .split('')
    .map((ch) => (ch === '*' ? '[\\w$]*' : ch === '?' ? '[\\w$]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
}

/** The literal parts of name globs: a file containing none of them cannot define a matching name. */
export function globNeedles(globs: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const g of globs) {
    const longest = g.split(/[*?]/).sort((a, b) => b.length - a.length)[0] ?? '';
    if (longest.length < 2) return null; // e.g. "*": every file is a candidate
    out.push(longest);
  }
  return out;
}

function skipSpace(code: string, i: number): number {
  while (i < code.length && /\s/.test(code[i]!)) i++;
  return i;
}

/** Index just after the bracket matching the one at `open` (same bracket kind, masked code). */
export function matchBracket(code: string, open: number): number {
  const o = code.charCodeAt(open);
  if (o === 123 || o === 40 || o === 91) return bracketTable(code)[open]!;
  // `<` (type parameters, asked for rarely) pairs with `>`: counted from here.
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const ch = code.charCodeAt(i);
    if (ch === o) depth++;
    else if (ch === 62) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return code.length;
}

/** `{`, `(` and `[` of one code string, each paired with its own kind only (as counting from it would). */
const OPEN_CLOSE = /[()[\]{}]/g;
let brackets: { code: string; close: Int32Array } = { code: '', close: new Int32Array(0) };
const stacks: [number[], number[], number[]] = [[], [], []];

/**
 * For each `{`, `(` and `[` of `code`, the offset just after the bracket that closes it (the length of
 * the code when none does): built in one pass when a code string is first asked about (a file's
 * functions and blocks ask many times; counting from each one was quadratic in nested code).
 */
function bracketTable(code: string): Int32Array {
  if (brackets.code === code) return brackets.close;
  const n = code.length;
  const close =
    brackets.close.length > n ? brackets.close : new Int32Array(Math.max(n + 1, brackets.close.length * 2));
  for (const st of stacks) st.length = 0;
  OPEN_CLOSE.lastIndex = 0;
  while (OPEN_CLOSE.test(code)) {
    const i = OPEN_CLOSE.lastIndex - 1;
    const c = code.charCodeAt(i);
    const kind = c === 123 || c === 125 ? 0 : c === 40 || c === 41 ? 1 : 2;
    const st = stacks[kind];
    if (c === 123 || c === 40 || c === 91) {
      close[i] = n;
      st.push(i);
    } else if (st.length) close[st.pop()!] = i + 1;
  }
  brackets = { code, close };
  return close;
}

interface Block {
  start: number;
  end: number;
  /** The namespace's name; null: an augmentation (`declare module "x"`, `declare global`). */
  name: string | null;
}

/** `namespace A.B {`, `module A {`, `declare module "x" {`, `declare global {` blocks of masked code. */
function namespaceBlocks(code: string): Block[] {
  const out: Block[] = [];
  const re =
    /(?<![\w$.])(?:(?:namespace|module)\s+([\w$]+(?:\.[\w$]+)*)|declare\s+module\s*(['"])[^'"\n]*\2|declare\s+global)\s*\{/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const open = m.index + m[0].length - 1;
    out.push({ start: open, end: matchBracket(code, open), name: m[1] ?? null });
  }
  return out;
}

/**
 * TS/JS definitions whose name matches `namePattern` (a regex source without anchors). Inside a
 * namespace a definition is named by its qualification (`A.Props` and `B.Props` are two names);
 * inside `declare module "x"` or `declare global` (an augmentation of a definition made elsewhere) it
 * is left out unless `augmentations`.
 */
export function jsDefinitions(
  code: string,
  text: string,
  namePattern: string,
  kinds: ReadonlySet<DefinitionKind>,
  augmentations = false,
): FoundDefinition[] {
  const re = new RegExp(`(?<![\\w$.])(class|enum|interface|type)\\s+(${namePattern})(?![\\w$])`, 'g');
  const out: FoundDefinition[] = [];
  const blocks = /\b(?:namespace|module|global)\b/.test(code) ? namespaceBlocks(code) : [];
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const kind = m[1] as DefinitionKind;
    if (!kinds.has(kind)) continue;
    const around = blocks.filter((b) => b.start < m!.index && m!.index < b.end);
    if (around.some((b) => b.name === null) && !augmentations) continue;
    // An augmentation adds to the augmented name itself: no qualification.
    const qualifier = around.flatMap((b) => (b.name ? [b.name] : [])).join('.');
    let i = skipSpace(code, m.index + m[0].length);
    if (kind === 'type') {
      if (code[i] === '<') i = skipSpace(code, matchBracket(code, i));
      if (code[i] !== '=' || code[i + 1] === '=' || code[i + 1] === '>') continue;
      const semi = code.indexOf(';', i);
      const nl = code.indexOf('\n', i);
      const end = semi === -1 ? (nl === -1 ? code.length : nl) : semi;
      out.push({ name: qualify(qualifier, m[2]!), kind, offset: m.index, endOffset: end });
      continue;
    }
    if (kind === 'enum') {
      if (code[i] !== '{') continue;
      const close = matchBracket(code, i);
      const body = text.slice(i + 1, close - 1);
      const bodyCode = code.slice(i + 1, close - 1);
      const members: string[] = [];
      const values: Record<string, string> = {};
      let at = 0;
      for (const part of splitTopLevel(bodyCode)) {
        const raw = body.slice(at, at + part.length);
        at += part.length + 1;
        const eq = part.indexOf('=');
        const codeKey = (eq === -1 ? part : part.slice(0, eq)).trim();
        let key = codeKey;
        if (codeKey.startsWith("'") || codeKey.startsWith('"')) {
          const off = part.indexOf(codeKey);
          key = raw.slice(off + 1, off + codeKey.length - 1);
        }
        if (key) members.push(key);
        if (key && eq !== -1) values[key] = raw.slice(eq + 1).trim();
      }
      out.push({
        name: qualify(qualifier, m[2]!),
        kind,
        offset: m.index,
        endOffset: close - 1,
        members,
        values,
      });
      continue;
    }
    // class / interface: a body or a heritage clause must follow (not `import type X from`).
    if (!/^(?:[{<]|extends\b|implements\b)/.test(code.slice(i, i + 11))) continue;
    const brace = code.indexOf('{', i);
    const end = brace === -1 ? i : matchBracket(code, brace) - 1;
    out.push({ name: qualify(qualifier, m[2]!), kind, offset: m.index, endOffset: end });
  }
  return out;
}

function qualify(qualifier: string, name: string): string {
  return qualifier ? `${qualifier}.${name}` : name;
}

/** Splits on commas outside brackets. */
function splitTopLevel(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(code.slice(start));
  return parts;
}

function indentOf(line: string): number {
  let k = 0;
  while (k < line.length && (line[k] === ' ' || line[k] === '\t')) k++;
  return k;
}

/**
 * The indentation of the line of `at` when only spaces and tabs stand before `at` on it, else -1.
 * Lets a regex look for a keyword (`class`, `def`: a literal V8 finds fast) instead of a `^[ \t]*`
 * anchor tried at every line of every file.
 */
export function indentBefore(code: string, at: number): number {
  let j = at - 1;
  for (let c = code.charCodeAt(j); j >= 0 && (c === 32 || c === 9); c = code.charCodeAt(--j));
  return j < 0 || code.charCodeAt(j) === 10 ? at - 1 - j : -1;
}

/**
 * Whether a line starting at an offset continues a string literal begun on an earlier line: -1 when
 * it does not, else where that literal ends (the rest of a line after it is code).
 */
export type Continuation = (lineStart: number) => number;

/** A Continuation from a masked source's string literals ([start, end) pairs). */
export function continuationOf(strings: readonly number[]): Continuation {
  const count = strings.length / 2;
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  // By start. The masker records a literal when it ends, so they are in order of start except where
  // an f-string holds other literals (they come just before it): an insertion sort moves only those.
  for (let k = 0; k < count; k++) {
    const a = strings[2 * k]!;
    const b = strings[2 * k + 1]!;
    let j = k;
    while (j > 0 && starts[j - 1]! > a) {
      starts[j] = starts[j - 1]!;
      ends[j] = ends[j - 1]!;
      j--;
    }
    starts[j] = a;
    ends[j] = b;
  }
  // The greatest end among literals starting at or before each one (for containment of nested ones).
  for (let k = 1; k < count; k++) if (ends[k - 1]! > ends[k]!) ends[k] = ends[k - 1]!;
  return (p) => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && ends[lo - 1]! > p ? ends[lo - 1]! : -1;
  };
}

const NEVER_CONTINUES: Continuation = () => -1;

/**
 * Python `class X(...)`, `type X = ...` and functional `X = Enum("X", ...)` definitions. A nested
 * class is named by its qualification (`Order.Meta`, `f.<locals>.Helper` as `f.Helper`), so the
 * `class Meta` of two Django models are two names. Enums get their members and values.
 */
export function pyDefinitions(
  code: string,
  text: string,
  namePattern: string,
  kinds: ReadonlySet<DefinitionKind>,
  continues: Continuation = NEVER_CONTINUES,
): FoundDefinition[] {
  const re = new RegExp(`(?<![\\w$])(class|type)[ \\t]+(${namePattern})(?!\\w)`, 'g');
  const out: FoundDefinition[] = [];
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const indent = indentBefore(code, m.index);
    const lineStart = m.index - indent;
    if (indent === -1 || continues(lineStart) !== -1) continue;
    let i = skipSpace(code, m.index + m[0].length);
    const name = indent ? `${pyOuterNames(code, lineStart, indent, continues).join('.')}.${m[2]!}` : m[2]!;
    if (m[1] === 'type') {
      if (code[i] === '[') i = skipSpace(code, matchBracket(code, i));
      if (code[i] !== '=' || !kinds.has('type')) continue;
      const nl = code.indexOf('\n', i);
      out.push({ name, kind: 'type', offset: lineStart, endOffset: nl === -1 ? code.length : nl });
      continue;
    }
    let bases = '';
    if (code[i] === '(') {
      const close = matchBracket(code, i);
      bases = code.slice(i + 1, close - 1);
      i = skipSpace(code, close);
    }
    if (code[i] !== ':') continue;
    const isEnum = PY_ENUM_BASES.test(bases);
    const kind: DefinitionKind = isEnum ? 'enum' : 'class';
    if (!kinds.has(kind) && !(isEnum && kinds.has('class'))) continue;
    const body = pyBlock(code, i + 1, indent, continues, isEnum);
    const def: FoundDefinition = { name, kind, offset: lineStart, endOffset: body.end };
    if (isEnum) Object.assign(def, pyEnumMembers(text, body));
    out.push(def);
  }
  if (kinds.has('enum') && /Enum[ \t]*\(/.test(code)) out.push(...pyFunctionalEnums(code, text, namePattern));
  return out.sort((a, b) => a.offset - b.offset);
}

/** The names of the classes and functions around the line at `at` (indented by `indent`). */
function pyOuterNames(code: string, at: number, indent: number, continues: Continuation): string[] {
  const names: string[] = [];
  let want = indent;
  let end = at - 1;
  while (want > 0 && end > 0) {
    const start = code.lastIndexOf('\n', end - 1) + 1;
    const line = code.slice(start, end);
    end = start - 1;
    if (line.trim() === '' || continues(start) !== -1) continue;
    const ind = indentOf(line);
    // `):` closing a header written over several lines is not the header: the line that opens it is.
    if (ind >= want || /^[)\]}]/.test(line.trimStart())) continue;
    want = ind;
    const h = /^[ \t]*(?:async[ \t]+)?(?:class|def)[ \t]+(\w+)/.exec(line);
    if (h) names.unshift(h[1]!);
  }
  return names;
}

/** `X = Enum("X", "A B")`, `X = StrEnum("X", ["A", "B"])`, `X = Enum("X", {"A": 1})` at column 0. */
function pyFunctionalEnums(code: string, text: string, namePattern: string): FoundDefinition[] {
  const re = new RegExp(`^(${namePattern})[ \\t]*=[ \\t]*(?:\\w+\\.)?\\w*Enum[ \\t]*\\(`, 'gm');
  const out: FoundDefinition[] = [];
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const open = m.index + m[0].length - 1;
    const close = matchBracket(code, open);
    const args = splitTopLevel(code.slice(open + 1, close - 1));
    let at = open + 1;
    const raw = args.map((a) => {
      const r = text.slice(at, at + a.length);
      at += a.length + 1;
      return r;
    });
    const spec = raw[1]?.trim() ?? '';
    const members = [...spec.matchAll(/["']([A-Za-z_]\w*)["']|\b([A-Za-z_]\w*)\b/g)]
      .filter((x) => x[1] || /^["']/.test(spec))
      .map((x) => x[1] ?? x[2]!);
    // A space- or comma-separated string of names: "A B C".
    const names = /^["'][^"']*["']$/.test(spec)
      ? spec
          .slice(1, -1)
          .split(/[\s,]+/)
          .filter(Boolean)
      : members;
    out.push({ name: m[1]!, kind: 'enum', offset: m.index, endOffset: close - 1, members: names });
  }
  return out;
}
/** Whitespace as `String.prototype.trim` and regex `\s` see it. */
export function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Per line of masked Python code, what finding a block's end needs: where it starts, its indentation
 * (-1: only whitespace), whether it continues a string literal, and its brackets' effect on the depth
 * (`net`, and `floor`: the depth after it when it started at 0, closers never going below 0). Built
 * once per file (every function and class of a tree asks), in one pass over character codes.
 */
interface PyLines {
  code: string;
  continues: Continuation;
  starts: number[];
  indent: Int32Array;
  cont: Uint8Array;
  net: Int32Array;
  floor: Int32Array;
}

let lastLines: PyLines | null = null;
let tables = {
  indent: new Int32Array(1024),
  cont: new Uint8Array(1024),
  net: new Int32Array(1024),
  floor: new Int32Array(1024),
  codeFrom: new Float64Array(1024),
};
/** Brackets, found by a regular expression (most characters are none). */
const BRACKETS = /[()[\]{}]/g;

function pyLines(code: string, continues: Continuation): PyLines {
  if (lastLines && lastLines.code === code && lastLines.continues === continues) return lastLines;
  const n = code.length;
  const starts: number[] = [0];
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  const count = starts.length;
  // The tables are reused from file to file (scanning is synchronous; one file's are read before
  // the next file's are built): allocating four per file showed as garbage collection.
  if (tables.indent.length < count) {
    const size = Math.max(count, tables.indent.length * 2);
    tables = {
      indent: new Int32Array(size),
      cont: new Uint8Array(size),
      net: new Int32Array(size),
      floor: new Int32Array(size),
      codeFrom: new Float64Array(size),
    };
  }
  const { indent, cont, net, floor, codeFrom } = tables;
  for (let l = 0; l < count; l++) {
    const at = starts[l]!;
    const lineEnd = l + 1 < count ? starts[l + 1]! - 1 : n;
    // Indentation: spaces and tabs, one column each.
    let k = at;
    while (k < lineEnd && (code.charCodeAt(k) === 32 || code.charCodeAt(k) === 9)) k++;
    let j = k;
    while (j < lineEnd && isSpace(code.charCodeAt(j))) j++;
    net[l] = 0;
    floor[l] = 0;
    if (j === lineEnd) {
      indent[l] = -1;
      cont[l] = 0;
      codeFrom[l] = lineEnd;
      continue;
    }
    indent[l] = k - at;
    const literalEnd = continues(at);
    cont[l] = literalEnd === -1 ? 0 : 1;
    // Brackets are counted in code only: on a line that continues a string, after the string ends
    // (`"""` then `)` closing a call opened on the string's first line).
    codeFrom[l] = literalEnd === -1 ? j : literalEnd;
  }
  // Each line's brackets: `net` their sum, `floor` first the lowest running sum, then the depth after
  // the line when it started at 0 (closers never going below 0).
  let l = 0;
  BRACKETS.lastIndex = 0;
  while (BRACKETS.test(code)) {
    const o = BRACKETS.lastIndex - 1;
    while (l + 1 < count && starts[l + 1]! <= o) l++;
    if (o < codeFrom[l]!) continue;
    const c = code.charCodeAt(o);
    if (c === 40 || c === 91 || c === 123) net[l]!++;
    else if (--net[l]! < floor[l]!) floor[l] = net[l]!;
  }
  for (let k = 0; k < count; k++) floor[k] = net[k]! - floor[k]!;
  lastLines = { code, continues, starts, indent, cont, net, floor };
  return lastLines;
}

/**
 * The indented block after a `:` at `from` whose header sits at `headerIndent`: where it ends, and
 * with `withLines` its lines, their starts and the body's indentation.
 */
export function pyBlock(
  code: string,
  from: number,
  headerIndent: number,
  continues: Continuation = NEVER_CONTINUES,
  withLines = false,
): { lines: string[]; starts: number[]; indent: number; end: number } {
  const n = code.length;
  const nl = code.indexOf('\n', from);
  if (nl === -1) return { lines: [], starts: [], indent: headerIndent + 1, end: n };
  const t = pyLines(code, continues);
  const lines: string[] = [];
  const starts: number[] = [];
  // The line after the one holding `from`.
  let lo = 0;
  let hi = t.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid]! <= nl) lo = mid + 1;
    else hi = mid;
  }
  let bodyIndent = -1;
  let end = nl;
  let depth = 0;
  for (let l = lo; l < t.starts.length; l++) {
    const ind = t.indent[l]!;
    const lineEnd = l + 1 < t.starts.length ? t.starts[l + 1]! - 1 : n;
    // A line inside a multi-line string (text at column 0 in a docstring) has no indentation to read.
    const blank = ind === -1 || t.cont[l] === 1;
    if (!blank && depth === 0) {
      if (ind <= headerIndent) break;
      if (bodyIndent === -1) bodyIndent = ind;
    }
    // A line continuing a string has no indentation to read, but its code after the string counts.
    if (ind !== -1) depth = Math.max(depth + t.net[l]!, t.floor[l]!);
    if (ind !== -1) end = lineEnd;
    if (withLines) {
      lines.push(code.slice(t.starts[l]!, lineEnd));
      starts.push(t.starts[l]!);
    }
  }
  return { lines, starts, indent: bodyIndent, end };
}

/** Members (`A = 1`, `A, B = 1, 2`, `A: int = 1`) and their values, at the body's own indentation. */
function pyEnumMembers(
  text: string,
  body: { lines: readonly string[]; starts: readonly number[]; indent: number },
): { members: string[]; values: Record<string, string> } {
  const members: string[] = [];
  const values: Record<string, string> = {};
  let depth = 0;
  body.lines.forEach((line, k) => {
    if (depth === 0 && indentOf(line) === body.indent) {
      const m = /^\s*([A-Za-z]\w*(?:\s*,\s*[A-Za-z]\w*)*)\s*(?::[^=\n]+)?=(?!=)/.exec(line);
      if (m) {
        const names = m[1]!.split(',').map((x) => x.trim());
        members.push(...names);
        const at = body.starts[k]!;
        if (names.length === 1) values[names[0]!] = text.slice(at + m[0].length, at + line.length).trim();
      }
    }
    for (const ch of line) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    }
  });
  return { members, values };
}

// ---------------------------------------------------------------- bindings

/** The last part of a dotted name (`a.b.Y` → `Y`). */
const lastPart = (dotted: string) => dotted.slice(dotted.lastIndexOf('.') + 1);

/**
 * Python module-level bindings of a matching name to another one: `X = Y` / `X = mod.Y`, `from m
 * import Y as X`, and `from m import X` when `__all__` lists X (a re-export). An alias whose target
 * is its own name (`X = mod.X`, a re-export) binds the name to its definition elsewhere.
 */
export function pyBindings(
  code: string,
  text: string,
  namePattern: string,
  needles: readonly string[] | null,
): FoundDefinition[] {
  const name = new RegExp(`^(?:${namePattern})$`);
  const out: FoundDefinition[] = [];
  const at = (offset: number) => {
    const nl = code.indexOf('\n', offset);
    return nl === -1 ? code.length : nl;
  };
  // `X = Y` at column 0, tried only on the lines holding one of the names' literal parts (a regex
  // anchored at every line of every file cost a third of the Python scan).
  const assign = /([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*)[ \t\r]*(?:\n|$)/y;
  const lines = new Set<number>();
  if (needles)
    for (const nd of needles)
      for (let i = code.indexOf(nd); i !== -1; i = code.indexOf(nd, i + 1))
        lines.add(code.lastIndexOf('\n', i) + 1);
  else {
    lines.add(0);
    for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lines.add(i + 1);
  }
  for (const start of [...lines].sort((a, b) => a - b)) {
    assign.lastIndex = start;
    const m = assign.exec(code);
    if (!m) continue;
    const target = lastPart(m[2]!.replace(/[ \t]/g, ''));
    if (!name.test(m[1]!) || PY_CONSTANTS.has(target)) continue;
    out.push({ name: m[1]!, kind: 'alias', target, offset: start, endOffset: at(start) });
  }
  const exported = code.includes('__all__') ? pyAll(code, text) : new Set<string>();
  const from = /(?<![\w$.])from[ \t]+\.*[\w.]*[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n;\\]|\\\n)+)/g;
  for (let m = from.exec(code); m; m = from.exec(code)) {
    if (indentBefore(code, m.index) !== 0) continue;
    for (const item of m[1]!.replace(/[()\\]/g, ' ').split(',')) {
      const [imported, as] = item.trim().split(/\s+as\s+/);
      const bound = (as ?? imported)?.trim();
      if (!imported || !bound || !name.test(bound)) continue;
      if (as === undefined && !exported.has(bound)) continue;
      out.push({
        name: bound,
        kind: 'alias',
        target: imported.trim(),
        offset: m.index,
        endOffset: at(m.index),
      });
    }
  }
  return out;
}

const PY_CONSTANTS = new Set(['None', 'True', 'False', 'NotImplemented', 'Ellipsis']);

/** The names a module's `__all__` lists (`__all__ = [...]`, `(...)`, `+= [...]`) at module level. */
function pyAll(code: string, text: string): Set<string> {
  const out = new Set<string>();
  const re = /^__all__[ \t]*(?::[^=\n]*)?\+?=[ \t]*[[(]/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const open = m.index + m[0].length - 1;
    const list = text.slice(open, matchBracket(code, open));
    for (const s of list.matchAll(/["']([A-Za-z_]\w*)["']/g)) out.add(s[1]!);
  }
  return out;
}

/**
 * TS/JS public bindings of a matching name to another one: `export { Y as X }` (with or without
 * `from`), `export { X } from "…"` (a re-export: the name bound to its definition elsewhere), and
 * `export const X = Y` / `= mod.Y`. An `import { Y as X }` is a private rename, not a public name.
 */
export function jsBindings(code: string, namePattern: string): FoundDefinition[] {
  const name = new RegExp(`^(?:${namePattern})$`);
  const out: FoundDefinition[] = [];
  const list = /(?<![\w$.])export\s+(?:type\s+)?\{([^}]*)\}(\s*from\s*['"])?/g;
  for (let m = list.exec(code); m; m = list.exec(code)) {
    const end = m.index + m[0].length;
    for (const item of m[1]!.split(',')) {
      const [imported, as] = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/);
      const local = imported?.trim();
      const bound = (as ?? imported)?.trim();
      if (!local || !bound || local === 'default' || !name.test(bound)) continue;
      // `export { X }` exports the local definition: no second site.
      if (as === undefined && !m[2]) continue;
      out.push({ name: bound, kind: 'alias', target: local, offset: m.index, endOffset: end });
    }
  }
  const constant =
    /(?<![\w$.])export\s+const\s+([\w$]+)\s*=\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*(?:;|\n|$)/g;
  for (let m = constant.exec(code); m; m = constant.exec(code)) {
    const target = lastPart(m[2]!.replace(/\s/g, ''));
    if (!name.test(m[1]!) || JS_CONSTANTS.has(target)) continue;
    out.push({ name: m[1]!, kind: 'alias', target, offset: m.index, endOffset: m.index + m[0].length });
  }
  return out;
}

const JS_CONSTANTS = new Set(['null', 'undefined', 'true', 'false', 'this', 'NaN', 'Infinity']);
