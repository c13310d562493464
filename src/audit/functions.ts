/** Function extents in masked source, for `max-function-lines`. */
import { matchBracket, pyBlock } from './definitions.js';
import type { Lang } from './lex.js';

export interface FunctionSpan {
  name: string;
  offset: number;
  endOffset: number;
}

const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'with', 'super']);

function jsFunctions(code: string): FunctionSpan[] {
  const out: FunctionSpan[] = [];
  const re =
    /(?<![\w$.])function\s*\*?\s*([\w$]*)\s*(?:<[^>{}]*>)?\s*\(|(?<![\w$.])([\w$]+)\s*=\s*(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*(?::[^=;{}]+)?=>\s*\{|^[ \t]*(?:(?:public|private|protected|static|async|override|get|set)\s+)*([\w$]+)\s*(?:<[^>{}]*>)?\s*\(/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const name = m[1] ?? m[2] ?? m[3] ?? '';
    if (m[3] !== undefined && NOT_METHODS.has(m[3])) continue;
    let brace: number;
    if (m[2] !== undefined) brace = m.index + m[0].length - 1;
    else {
      const paramsEnd = matchBracket(code, m.index + m[0].length - 1);
      const rest = /^\s*(?::[^{;=]+)?\{/.exec(code.slice(paramsEnd, paramsEnd + 300));
      if (!rest) continue;
      brace = paramsEnd + rest[0].length - 1;
    }
    out.push({ name: name || '(anonymous)', offset: m.index, endOffset: matchBracket(code, brace) - 1 });
  }
  return out;
}

function pyFunctions(code: string): FunctionSpan[] {
  const out: FunctionSpan[] = [];
  const re = /^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const paramsEnd = matchBracket(code, m.index + m[0].length - 1);
    const colon = code.indexOf(':', paramsEnd);
    if (colon === -1) continue;
    const body = pyBlock(code, colon + 1, m[1]!.length);
    out.push({ name: m[2]!, offset: m.index, endOffset: body.end });
  }
  return out;
}

export function findFunctions(code: string, lang: Lang): FunctionSpan[] {
  return lang === 'py' ? pyFunctions(code) : jsFunctions(code);
}
