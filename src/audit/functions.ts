/** Function extents in masked source, for `max-function-lines`. */
import { type Continuation, matchBracket, pyBlock } from './definitions.js';
import type { Lang } from './lex.js';

export interface FunctionSpan {
  name: string;
  offset: number;
  endOffset: number;
}

const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'with', 'super']);

// A type parameter list, one level of nesting: `<T>`, `<T extends {}>`, `<K extends keyof Foo<T>>`.
const GENERICS = String.raw`(?:<(?:[^<>;]|<[^<>;]*>)*>)?`;
// A return type on the header's line: `: Foo`, `: Promise<{ a: 1 }>` (one level of braces).
const RETURN_TYPE = /^\s*(?::(?:[^{};=\n]|\{[^{}\n]*\})+)?\{/;

/** Where the parameter list closing at `close` (a `)`) opens, in masked code; -1 if not found. */
function openParen(code: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = code[i];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) return i;
  }
  return -1;
}

/** Arrow functions with a block body, named after what they are assigned to (else `(arrow)`). */
function jsArrows(code: string, out: FunctionSpan[]): void {
  const re = /=>\s*\{/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const brace = m.index + m[0].length - 1;
    // The parameters: `(a, b)`, `(a): T`, or one identifier.
    let j = m.index - 1;
    while (j >= 0 && /\s/.test(code[j]!)) j--;
    let start = j;
    if (code[j] === ')') start = openParen(code, j);
    else if (/[\w$]/.test(code[j] ?? '')) {
      const typed = /\)\s*:[^;{}=()\n]*$/.exec(code.slice(Math.max(0, j - 200), j + 1));
      if (typed) start = openParen(code, j + 1 - typed[0].length);
      else while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    } else continue;
    if (start < 0) continue;
    const before = code.slice(Math.max(0, start - 200), start);
    const named = /([\w$]+)\s*(?::[^=;]+)?=\s*(?:async\s*)?$|([\w$]+)\s*:\s*(?:async\s*)?$/.exec(before);
    const lineStart = code.lastIndexOf('\n', start) + 1;
    // A named arrow starts where its declaration does (`const X: FC<P> = (...) => {`).
    const declStart = named ? Math.max(lineStart, start - (before.length - named.index)) : start;
    out.push({
      name: named ? (named[1] ?? named[2]!) : '(arrow)',
      offset: declStart,
      endOffset: matchBracket(code, brace) - 1,
    });
  }
}

function jsFunctions(code: string): FunctionSpan[] {
  const out: FunctionSpan[] = [];
  const re = new RegExp(
    String.raw`(?<![\w$.])function\s*\*?\s*([\w$]*)\s*${GENERICS}\s*\(|^[ 	]*(?:(?:public|private|protected|static|async|override|abstract|get|set)\s+)*\*?\s*([\w$]+|\[[^\]
]+\])\s*${GENERICS}\s*\(`,
    'gm',
  );
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const name = m[1] ?? m[2] ?? '';
    if (m[2] !== undefined && NOT_METHODS.has(m[2])) continue;
    const paramsEnd = matchBracket(code, m.index + m[0].length - 1);
    const rest = RETURN_TYPE.exec(code.slice(paramsEnd, paramsEnd + 300));
    if (!rest) continue;
    const brace = paramsEnd + rest[0].length - 1;
    out.push({ name: name || '(anonymous)', offset: m.index, endOffset: matchBracket(code, brace) - 1 });
  }
  jsArrows(code, out);
  return out.sort((a, b) => a.offset - b.offset);
}

function pyFunctions(code: string, continues?: Continuation): FunctionSpan[] {
  const out: FunctionSpan[] = [];
  const re = /^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (continues?.(m.index)) continue;
    const paramsEnd = matchBracket(code, m.index + m[0].length - 1);
    const colon = code.indexOf(':', paramsEnd);
    if (colon === -1) continue;
    const body = pyBlock(code, colon + 1, m[1]!.length, continues);
    out.push({ name: m[2]!, offset: m.index, endOffset: body.end });
  }
  return out;
}

export function findFunctions(code: string, lang: Lang, continues?: Continuation): FunctionSpan[] {
  return lang === 'py' ? pyFunctions(code, continues) : jsFunctions(code);
}
