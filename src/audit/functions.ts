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
const GENERICS = '(?:<(?:[^<>;]|<[^<>;]*>)*>)?';
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

/**
 * The `)` that closes the parameters of an arrow whose return type ends at `j`: the nearest `)`
 * followed by `:` after which the brackets up to `j` balance (no `;` in between). -1: none.
 */
function returnTypeParen(code: string, j: number): number {
  let depth = 0;
  for (let k = j; k >= Math.max(0, j - 1000); k--) {
    const c = code[k]!;
    if (c === ';') return -1;
    if (c === ']' || c === '}' || (c === '>' && code[k - 1] !== '=')) depth++;
    else if (c === '[' || c === '{' || c === '<') depth--;
    else if (c === ':' && depth === 0) {
      let p = k - 1;
      while (p >= 0 && /\s/.test(code[p]!)) p--;
      if (code[p] === ')') return p;
    }
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
    // `(a): T =>`, `(a): [A, B] =>`, `(a): Foo<T> =>`, a return type over several lines.
    const typed = code[j] === ')' ? -1 : returnTypeParen(code, j);
    if (code[j] === ')') start = openParen(code, j);
    else if (typed !== -1) start = openParen(code, typed);
    else if (/[\w$]/.test(code[j] ?? '')) while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    else continue;
    if (start < 0) continue;
    const before = code.slice(Math.max(0, start - 200), start);
    // `const X = `, `const X: FC<P> & { a: T; } = `, `X = async <T,>`, `x: ` (a property).
    const named =
      /([\w$]+)\s*(?::\s*[^=;{}]*(?:\{[^{}]*\}[^=;{}]*)*)?=\s*(?:async\s*)?(?:<[^;{}]*>\s*)?$|([\w$]+)\s*:\s*(?:async\s*)?(?:<[^;{}]*>\s*)?$/.exec(
        before,
      );
    // A named arrow starts where its declaration does (`const X: FC<P> = (...) => {`), which may be
    // lines before its parameters (a type or type parameters written over several lines).
    const declStart = named ? start - (before.length - named.index) : start;
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
    String.raw`(?<![\w$.])function\s*\*?\s*([\w$]*)\s*${GENERICS}\s*\(|^[ 	]*(?:(?:public|private|protected|static|async|override|abstract|get|set)[ 	]+)*\*?[ 	]*([\w$]+|\[[^\]
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
