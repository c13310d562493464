/** Finding class / enum / interface / type-alias definitions in masked source, with enum members. */
import type { DefinitionKind } from './types.js';

export interface FoundDefinition {
  name: string;
  kind: DefinitionKind;
  offset: number;
  endOffset: number;
  members?: string[];
}

const PY_ENUM_BASES = /\b(?:Enum|StrEnum|IntEnum|Flag|IntFlag|ReprEnum)\b/;

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
  const o = code[open]!;
  const c = o === '{' ? '}' : o === '(' ? ')' : o === '[' ? ']' : '>';
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const ch = code[i];
    if (ch === o) depth++;
    else if (ch === c) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return code.length;
}

/** TS/JS definitions whose name matches `namePattern` (a regex source without anchors). */
export function jsDefinitions(
  code: string,
  text: string,
  namePattern: string,
  kinds: ReadonlySet<DefinitionKind>,
): FoundDefinition[] {
  const re = new RegExp(`(?<![\\w$.])(class|enum|interface|type)\\s+(${namePattern})(?![\\w$])`, 'g');
  const out: FoundDefinition[] = [];
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const kind = m[1] as DefinitionKind;
    if (!kinds.has(kind)) continue;
    let i = skipSpace(code, m.index + m[0].length);
    if (kind === 'type') {
      if (code[i] === '<') i = skipSpace(code, matchBracket(code, i));
      if (code[i] !== '=' || code[i + 1] === '=' || code[i + 1] === '>') continue;
      const semi = code.indexOf(';', i);
      const nl = code.indexOf('\n', i);
      const end = semi === -1 ? (nl === -1 ? code.length : nl) : semi;
      out.push({ name: m[2]!, kind, offset: m.index, endOffset: end });
      continue;
    }
    if (kind === 'enum') {
      if (code[i] !== '{') continue;
      const close = matchBracket(code, i);
      const body = text.slice(i + 1, close - 1);
      const bodyCode = code.slice(i + 1, close - 1);
      const members: string[] = [];
      let at = 0;
      for (const part of splitTopLevel(bodyCode)) {
        const raw = body.slice(at, at + part.length);
        at += part.length + 1;
        const codeKey = part.split('=')[0]!.trim();
        let key = codeKey;
        if (codeKey.startsWith("'") || codeKey.startsWith('"')) {
          const off = part.indexOf(codeKey);
          key = raw.slice(off + 1, off + codeKey.length - 1);
        }
        if (key) members.push(key);
      }
      out.push({ name: m[2]!, kind, offset: m.index, endOffset: close - 1, members });
      continue;
    }
    // class / interface: a body or a heritage clause must follow (not `import type X from`).
    if (!/^(?:[{<]|extends\b|implements\b)/.test(code.slice(i, i + 11))) continue;
    const brace = code.indexOf('{', i);
    const end = brace === -1 ? i : matchBracket(code, brace) - 1;
    out.push({ name: m[2]!, kind, offset: m.index, endOffset: end });
  }
  return out;
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

/** Python `class X(...)` and `type X = ...` definitions; enums get their members from the class body. */
export function pyDefinitions(
  code: string,
  namePattern: string,
  kinds: ReadonlySet<DefinitionKind>,
): FoundDefinition[] {
  const re = new RegExp(`^([ \\t]*)(class|type)[ \\t]+(${namePattern})(?!\\w)`, 'gm');
  const out: FoundDefinition[] = [];
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const indent = m[1]!.length;
    let i = skipSpace(code, m.index + m[0].length);
    if (m[2] === 'type') {
      if (code[i] === '[') i = skipSpace(code, matchBracket(code, i));
      if (code[i] !== '=' || !kinds.has('type')) continue;
      const nl = code.indexOf('\n', i);
      out.push({ name: m[3]!, kind: 'type', offset: m.index, endOffset: nl === -1 ? code.length : nl });
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
    const body = pyBlock(code, i + 1, indent);
    const def: FoundDefinition = { name: m[3]!, kind, offset: m.index, endOffset: body.end };
    if (isEnum) def.members = pyEnumMembers(body.lines, body.indent);
    out.push(def);
  }
  return out;
}

/** The indented block after a `:` at `from` whose header sits at `headerIndent`. */
export function pyBlock(
  code: string,
  from: number,
  headerIndent: number,
): { lines: string[]; indent: number; end: number } {
  const nl = code.indexOf('\n', from);
  if (nl === -1) return { lines: [], indent: headerIndent + 1, end: code.length };
  const lines: string[] = [];
  let at = nl + 1;
  let bodyIndent = -1;
  let end = nl;
  let depth = 0;
  while (at < code.length) {
    const e = code.indexOf('\n', at);
    const lineEnd = e === -1 ? code.length : e;
    const line = code.slice(at, lineEnd);
    const blank = line.trim() === '';
    if (!blank && depth === 0) {
      const ind = indentOf(line);
      if (ind <= headerIndent) break;
      if (bodyIndent === -1) bodyIndent = ind;
    }
    if (!blank) {
      for (const ch of line) {
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
      }
      end = lineEnd;
    }
    lines.push(line);
    at = lineEnd + 1;
  }
  return { lines, indent: bodyIndent, end };
}

function pyEnumMembers(lines: readonly string[], bodyIndent: number): string[] {
  const members: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (depth === 0 && indentOf(line) === bodyIndent) {
      const m = /^\s*([A-Za-z]\w*)\s*(?::[^=\n]+)?=(?!=)/.exec(line);
      if (m) members.push(m[1]!);
    }
    for (const ch of line) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    }
  }
  return members;
}
