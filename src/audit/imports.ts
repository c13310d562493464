/** Import statements (and re-exports, require, dynamic import) found in masked source. */
import { posix } from 'node:path';
import { indentBefore } from './definitions.js';
import type { Lang, MaskedSource } from './lex.js';

export interface ImportRef {
  /** Resolved module: a Python dotted path, a repo-relative JS path without extension, or a package. */
  module: string;
  /** Imported names (`default`, `*` for namespaces); empty for a whole-module import. */
  names: string[];
  offset: number;
}

const JS_EXT = /\.(?:[cm]?[jt]sx?|d\.ts)$/;

/** A JS module path as compared by rules: relative specifiers resolved from `file`, extension and /index dropped. */
export function normalizeJsModule(spec: string, file?: string): string {
  let s = spec;
  if (file && (s.startsWith('./') || s.startsWith('../'))) s = posix.join(posix.dirname(file), s);
  s = s.replace(JS_EXT, '').replace(/\/index$/, '');
  return s.replace(/^\.\//, '');
}

function clauseNames(clause: string): string[] {
  const names: string[] = [];
  const c = clause.replace(/^\s*type\s+/, '');
  const brace = /\{([^}]*)\}/.exec(c);
  if (brace) {
    for (const item of brace[1]!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name) names.push(name);
    }
  }
  const outside = brace ? c.replace(brace[0], ' ') : c;
  if (/\*/.test(outside)) names.push('*');
  const def = /^\s*([A-Za-z_$][\w$]*)\s*(?:,|$)/.exec(outside);
  if (def && def[1] !== 'as') names.push('default');
  return names;
}

function jsImports(src: MaskedSource, text: string, file: string): ImportRef[] {
  const { code, strings } = src;
  const stringAt = new Map<number, number>();
  for (let k = 0; k < strings.length; k += 2) stringAt.set(strings[k]!, strings[k + 1]!);
  const value = (at: number): string | undefined => {
    const end = stringAt.get(at);
    return end === undefined ? undefined : text.slice(at + 1, end - 1);
  };
  const out: ImportRef[] = [];
  const re =
    /(?<![\w$.])(?:(import|export)(\s*(?:type\s+)?[\w$\s,*{}]*?\bfrom\s*|\s*)(?=['"])|(require|import)\s*\(\s*(?=['"]))/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const spec = value(m.index + m[0].length);
    if (spec === undefined) continue;
    if (m[1] === 'export' && !/\bfrom\s*$/.test(m[2] ?? '')) continue;
    const clause = m[2] ? m[2].replace(/\bfrom\s*$/, '') : '';
    out.push({ module: normalizeJsModule(spec, file), names: clauseNames(clause), offset: m.index });
  }
  return out;
}

/** The dotted package of a Python file (`a/b/c.py` → `a.b`; under a source root `src/`, `src/a/b.py` → `a`). */
function pyPackage(file: string, sourceRoots: readonly string[]): string[] {
  let rel = file;
  for (const root of [...sourceRoots].sort((a, b) => b.length - a.length)) {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (file.startsWith(prefix)) {
      rel = file.slice(prefix.length);
      break;
    }
  }
  const parts = rel.replace(/\.pyi?$/, '').split('/');
  parts.pop();
  return parts;
}

function resolvePy(mod: string, file: string, sourceRoots: readonly string[]): string {
  const dots = /^\.*/.exec(mod)![0].length;
  if (dots === 0) return mod;
  const pkg = pyPackage(file, sourceRoots);
  const baseParts = pkg.slice(0, Math.max(0, pkg.length - (dots - 1)));
  const rest = mod.slice(dots);
  return [...baseParts, ...(rest ? [rest] : [])].join('.');
}

function pyImports(
  src: MaskedSource,
  text: string,
  file: string,
  sourceRoots: readonly string[],
): ImportRef[] {
  const { code } = src;
  const out: ImportRef[] = [];
  // The keywords are found as literals, then checked to start their line (see indentBefore).
  const fromRe = /(?<![\w$.])from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n;\\]|\\\n)+)/g;
  for (let m = fromRe.exec(code); m; m = fromRe.exec(code)) {
    if (indentBefore(code, m.index) === -1) continue;
    const names = m[2]!
      .replace(/[()\\]/g, ' ')
      .split(',')
      .map((s) =>
        s
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim(),
      )
      .filter(Boolean);
    out.push({ module: resolvePy(m[1]!, file, sourceRoots), names, offset: m.index });
  }
  // importlib.import_module("a.b"), import_module(".b", "a"), __import__("a.b"): a literal name.
  const dynRe = /(?<![\w.])(?:importlib\s*\.\s*)?(?:import_module|__import__)\s*\(\s*(?=['"])/g;
  const stringEnd = new Map<number, number>();
  for (let k = 0; k < src.strings.length; k += 2) stringEnd.set(src.strings[k]!, src.strings[k + 1]!);
  for (let m = dynRe.exec(code); m; m = dynRe.exec(code)) {
    const at = m.index + m[0].length;
    const end = stringEnd.get(at);
    if (end === undefined) continue;
    const name = text.slice(at + 1, end - 1);
    if (/^\.*[\w.]+$/.test(name))
      out.push({ module: resolvePy(name, file, sourceRoots), names: [], offset: m.index });
  }
  const importRe = /(?<![\w$.])import[ \t]+([^\n;]+)/g;
  for (let m = importRe.exec(code); m; m = importRe.exec(code)) {
    if (indentBefore(code, m.index) === -1) continue;
    for (const item of m[1]!.split(',')) {
      const mod = item
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim();
      if (/^[\w.]+$/.test(mod)) out.push({ module: mod, names: [], offset: m.index });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export function findImports(
  src: MaskedSource,
  text: string,
  file: string,
  lang: Lang,
  sourceRoots: readonly string[] = [],
): ImportRef[] {
  return lang === 'py' ? pyImports(src, text, file, sourceRoots) : jsImports(src, text, file);
}
