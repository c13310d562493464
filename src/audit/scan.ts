/**
 * Scanning one file: cheap byte prefilters first (a file that contains none of a rule's literal
 * needles cannot violate it), then masking and the rules' regexes on the masked text. Pure: takes
 * the file's bytes, returns its definitions and hits.
 */
import { jsDefinitions, pyDefinitions } from './definitions.js';
import { findFunctions } from './functions.js';
import { findImports } from './imports.js';
import {
  isCode,
  type Lang,
  langOf,
  lineAt,
  lineStarts,
  type MaskedSource,
  mask,
  outsideBlanks,
} from './lex.js';
import { blanksOf } from './lex-bytes.js';
import {
  type CompiledAudit,
  type CompiledDeprecated,
  type CompiledDuplicate,
  type CompiledForbidden,
  ruleApplies,
} from './rules.js';
import type { FileScan, Hit } from './types.js';

function hasAny(buf: Buffer, needles: readonly Buffer[]): boolean {
  for (const n of needles) if (buf.indexOf(n) !== -1) return true;
  return false;
}

function countLines(buf: Buffer): number {
  if (buf.length === 0) return 0;
  let n = 0;
  let i = buf.indexOf(10);
  while (i !== -1) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return buf[buf.length - 1] === 10 ? n : n + 1;
}

/** A view with only string contents kept (for `matchIn: strings`). */
function stringsView(text: string, src: MaskedSource): string {
  const parts: string[] = [];
  let at = 0;
  for (let k = 0; k < src.strings.length; k += 2) {
    const a = src.strings[k]!;
    const b = src.strings[k + 1]!;
    parts.push(text.slice(at, a).replace(/[^\n\r]/g, ' '), ' ', text.slice(a + 1, b - 1), ' ');
    at = b;
  }
  parts.push(text.slice(at).replace(/[^\n\r]/g, ' '));
  return parts.join('').slice(0, text.length);
}

/** Whether `needle`, last found at `last`, lies wholly in code somewhere (`blanks` from lex-bytes). */
function inCode(buf: Buffer, needle: Buffer, last: number, blanks: readonly number[]): boolean {
  for (let at = last; at !== -1; at = at > 0 ? buf.lastIndexOf(needle, at - 1) : -1)
    if (outsideBlanks(blanks, at, at + needle.length)) return true;
  return false;
}

/**
 * Scans one file's bytes. `fileScopes` are the scopes the file belongs to (non-empty). `fast: false`
 * skips the byte-level fast path (tests compare both ways; the results must be the same).
 */
export function scanFile(
  c: CompiledAudit,
  file: string,
  buf: Buffer,
  fileScopes: readonly string[],
  fast = true,
): FileScan | null {
  const lang: Lang | null = langOf(file);
  if (!lang) return null;
  const hits: Hit[] = [];
  const scan: FileScan = { file, defs: [], hits };

  for (const r of c.maxFileLines) {
    if (!ruleApplies(r, fileScopes)) continue;
    const lines = countLines(buf);
    if (lines > r.max)
      hits.push({ ruleId: r.id, line: 1, message: `${lines} lines (at most ${r.max})`, key: 'file' });
  }

  // Rules this file can violate: those with a needle in it (or none to look for). The last place of
  // each needle found is kept for the fast path below, in the order the rules are visited.
  let dups: CompiledDuplicate[] = [];
  let forb: CompiledForbidden[] = [];
  const lasts: number[] = [];
  let limit = 0;
  for (const d of c.duplicates) {
    if (!ruleApplies(d, fileScopes)) continue;
    if (d.needles === null) {
      dups.push(d);
      continue;
    }
    let found = false;
    for (const n of d.needles) {
      const at = buf.lastIndexOf(n);
      lasts.push(at);
      if (at !== -1) {
        found = true;
        limit = Math.max(limit, at + n.length);
      }
    }
    if (found) dups.push(d);
    else lasts.length -= d.needles.length;
  }
  for (const f of c.forbidden) {
    if (!ruleApplies(f, fileScopes)) continue;
    const at = f.needle === null ? -1 : buf.lastIndexOf(f.needle);
    if ((f.needle !== null && at === -1) || f.allowIn(file)) continue;
    forb.push(f);
    if (f.needle !== null) {
      lasts.push(at);
      limit = Math.max(limit, at + f.needle.length);
    }
  }
  if (fast && lasts.length) {
    // A definition's name and a code match of a forbidden pattern lie in code and contain one of
    // the rule's needles, so a rule none of whose needles lies wholly in code has nothing here.
    // Lexing the bytes up to the last needle answers that without decoding or masking the file.
    const blanks = blanksOf(buf, lang, limit);
    let k = 0;
    const keep = (needles: readonly Buffer[]) => {
      let any = false;
      for (const n of needles) if (inCode(buf, n, lasts[k++]!, blanks)) any = true;
      return any;
    };
    dups = dups.filter((d) => d.needles === null || keep(d.needles));
    forb = forb.filter((f) => f.needle === null || keep([f.needle]));
  }
  const depr: CompiledDeprecated[] = [];
  for (const d of c.deprecated)
    if (ruleApplies(d, fileScopes) && hasAny(buf, d.needles) && !d.allowIn(file)) depr.push(d);
  const funcs = c.maxFunctionLines.filter((r) => ruleApplies(r, fileScopes));
  if (!dups.length && !forb.length && !depr.length && !funcs.length) return scan;

  const text = buf.toString('utf8');
  // Second, exact prefilter on the raw text before paying for masking.
  const forbRaw = forb.filter((f) => {
    f.re.lastIndex = 0;
    return f.re.test(text);
  });
  if (!dups.length && !forbRaw.length && !depr.length && !funcs.length) return scan;

  const src = mask(text, lang);
  let starts: number[] | null = null;
  const line = (offset: number) => {
    if (!starts) starts = lineStarts(text);
    return lineAt(starts, offset);
  };

  for (const d of dups) {
    const found =
      lang === 'py'
        ? pyDefinitions(src.code, d.namePattern, d.kinds)
        : jsDefinitions(src.code, text, d.namePattern, d.kinds);
    for (const f of found) {
      scan.defs.push({
        ruleId: d.rule.id,
        name: f.name,
        kind: f.kind,
        line: line(f.offset),
        endLine: line(f.endOffset),
        ...(f.members ? { members: f.members } : {}),
      });
    }
  }

  for (const f of forbRaw) {
    // Code matches are found on the raw text and kept when they touch no comment or string.
    const view = f.rule.matchIn === 'strings' ? stringsView(text, src) : text;
    const seen = new Map<string, number>();
    f.re.lastIndex = 0;
    for (let m = f.re.exec(view); m; m = f.re.exec(view)) {
      if (m[0].length === 0) f.re.lastIndex++;
      if (f.rule.matchIn === 'code' && !isCode(src, m.index, m.index + m[0].length)) continue;
      const ln = line(m.index);
      const lineText = text.slice(starts![ln - 1], (starts![ln] ?? text.length + 1) - 1).trim();
      const n = (seen.get(lineText) ?? 0) + 1;
      seen.set(lineText, n);
      hits.push({
        ruleId: f.rule.id,
        line: ln,
        message: f.rule.message ?? `forbidden pattern /${f.rule.pattern}/: \`${lineText.slice(0, 120)}\``,
        key: `${lineText.replace(/\s+/g, ' ')}#${n}`,
      });
    }
  }

  if (depr.length) {
    const imports = findImports(src, text, file, lang);
    const sep = lang === 'py' ? '.' : '/';
    for (const d of depr) {
      const { module, names, replacement } = d.rule;
      const seen = new Map<string, number>();
      for (const imp of imports) {
        const modMatch = module === undefined || imp.module === module || imp.module.startsWith(module + sep);
        let what: string | null = null;
        if (names?.length) {
          const bad = imp.names.filter((n) => names.includes(n));
          const viaPath = module !== undefined && names.some((n) => imp.module === `${module}${sep}${n}`);
          if (modMatch && bad.length) what = `${bad.join(', ')} from ${imp.module}`;
          else if (viaPath) what = imp.module;
        } else if (modMatch) what = imp.module;
        if (!what) continue;
        const n = (seen.get(what) ?? 0) + 1;
        seen.set(what, n);
        hits.push({
          ruleId: d.rule.id,
          line: line(imp.offset),
          message: d.rule.message ?? `deprecated import of ${what}; use ${replacement}`,
          key: `${what}#${n}`,
        });
      }
    }
  }

  if (funcs.length) {
    const spans = findFunctions(src.code, lang);
    for (const r of funcs) {
      for (const s of spans) {
        const a = line(s.offset);
        const b = line(s.endOffset);
        const len = b - a + 1;
        if (len > r.max)
          hits.push({
            ruleId: r.id,
            line: a,
            endLine: b,
            message: `function ${s.name} has ${len} lines (at most ${r.max})`,
            key: `fn:${s.name}`,
          });
      }
    }
  }
  return scan;
}
