/** Function extents in masked source, for `max-function-lines`. */
import { type Continuation, indentBefore, isSpace, matchBracket, pyBlock } from './definitions.js';
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

/**
 * The name an arrow is assigned to, at the end of the text before its parameters: `const X = `,
 * `const X: FC<P> & { a: T; } = `, `X = async <T,>`, `X = <T extends { a: U },>`, `x: ` (a property).
 * A name right after `(` or `,` is a parameter of something earlier (`f(child: T): R { ... }` then
 * `const X: T = `), never the arrow's.
 */
const TYPE_PARAMS = String.raw`(?:<(?:[^;{}]|\{[^{}]*\})*>\s*)?`;
const NAMED_ARROW = new RegExp(
  String.raw`(?<![\w$])(?<![(,]\s*)([\w$]+)\s*(?::\s*[^=;{}]*(?:\{[^{}]*\}[^=;{}]*)*)?=\s*(?:async\s*)?${TYPE_PARAMS}$|([\w$]+)\s*:\s*(?:async\s*)?${TYPE_PARAMS}$`,
);

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
    // A name is assigned (`= `, `: `, `= async `, `= <T,>`): otherwise (a callback) none to look for.
    let p = start - 1;
    while (p >= 0 && /\s/.test(code[p]!)) p--;
    const last = code[p];
    if (last !== '=' && last !== ':' && last !== 'c' && last !== '>') {
      out.push({ name: '(arrow)', offset: start, endOffset: matchBracket(code, brace) - 1 });
      continue;
    }
    const before = code.slice(Math.max(0, start - 200), start);
    // `const X = `, `const X: FC<P> & { a: T; } = `, `X = async <T,>`, `x: ` (a property).
    const named = NAMED_ARROW.exec(before);
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

const MODIFIERS = new Set([
  'public',
  'private',
  'protected',
  'static',
  'async',
  'override',
  'abstract',
  'get',
  'set',
]);

const isIdentCode = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;

/**
 * Whether the method regex can match at the line start `at`: the line's first word is a modifier,
 * or it starts with `*` or `[`, or its first word is followed (after whitespace) by `(` or `<`.
 * Most lines (`const`, `return`, JSX) are none of these and skip the regex call, which cost more
 * than the matching itself.
 */
function mayStartMethod(code: string, at: number): boolean {
  let i = at;
  for (let c = code.charCodeAt(i); c === 32 || c === 9; c = code.charCodeAt(++i));
  const first = code.charCodeAt(i);
  if (first === 42 || first === 91) return true;
  let j = i;
  while (j < code.length && (isIdentCode(code.charCodeAt(j)) || code.charCodeAt(j) > 127)) j++;
  if (j === i) return false;
  if (MODIFIERS.has(code.slice(i, j))) return true;
  while (j < code.length && isSpace(code.charCodeAt(j))) j++;
  const next = code.charCodeAt(j);
  return next === 40 || next === 60;
}

// Built once (every use sets lastIndex first).
const FUNCTION_KEYWORD = new RegExp(String.raw`(?<![\w$.])function\s*\*?\s*([\w$]*)\s*${GENERICS}\s*\(`, 'g');
const METHOD_START = new RegExp(
  String.raw`[ 	]*(?:(?:public|private|protected|static|async|override|abstract|get|set)[ 	]+)*\*?[ 	]*([\w$]+(?![\w$])|\[[^\]
]+\])\s*${GENERICS}\s*\(`,
  'y',
);

function jsFunctions(code: string): FunctionSpan[] {
  const out: FunctionSpan[] = [];
  const add = (name: string, offset: number, open: number) => {
    const paramsEnd = matchBracket(code, open);
    const rest = RETURN_TYPE.exec(code.slice(paramsEnd, paramsEnd + 300));
    if (!rest) return;
    const brace = paramsEnd + rest[0].length - 1;
    out.push({ name: name || '(anonymous)', offset, endOffset: matchBracket(code, brace) - 1 });
  };
  // `function` (a literal: found fast) anywhere.
  const fn = FUNCTION_KEYWORD;
  fn.lastIndex = 0;
  for (let m = fn.exec(code); m; m = fn.exec(code)) add(m[1]!, m.index, m.index + m[0].length - 1);
  // Methods start their line: tried at each line start only (sticky), not at every character.
  const method = METHOD_START;
  for (let at = 0; at < code.length; ) {
    let m: RegExpExecArray | null = null;
    if (mayStartMethod(code, at)) {
      method.lastIndex = at;
      m = method.exec(code);
    }
    if (m && !NOT_METHODS.has(m[1]!)) add(m[1]!, at, at + m[0].length - 1);
    const nl = code.indexOf('\n', m ? at + m[0].length - 1 : at);
    if (nl === -1) break;
    at = nl + 1;
  }
  jsArrows(code, out);
  return out.sort((a, b) => a.offset - b.offset);
}

function pyFunctions(code: string, continues?: Continuation): FunctionSpan[] {
  const out: FunctionSpan[] = [];
  // `def` found as a literal, then checked to start its line (after `async`): see indentBefore.
  const re = /(?<![\w$])def[ \t]+(\w+)[ \t]*\(/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let at = m.index;
    let indent = indentBefore(code, at);
    if (indent === -1) {
      // `async def`: the word before, then at least one space or tab.
      let j = at - 1;
      while (j >= 0 && (code[j] === ' ' || code[j] === '\t')) j--;
      if (j === at - 1 || j < 4 || code.slice(j - 4, j + 1) !== 'async') continue;
      at = j - 4;
      indent = indentBefore(code, at);
      if (indent === -1) continue;
    }
    const lineStart = at - indent;
    if (continues && continues(lineStart) !== -1) continue;
    const paramsEnd = matchBracket(code, m.index + m[0].length - 1);
    const colon = code.indexOf(':', paramsEnd);
    if (colon === -1) continue;
    const body = pyBlock(code, colon + 1, indent, continues);
    out.push({ name: m[1]!, offset: lineStart, endOffset: body.end });
  }
  return out;
}

export function findFunctions(code: string, lang: Lang, continues?: Continuation): FunctionSpan[] {
  return lang === 'py' ? pyFunctions(code, continues) : jsFunctions(code);
}
