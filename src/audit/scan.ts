/**
 * Scanning one file: cheap byte prefilters first (a file that contains none of a rule's literal
 * needles cannot violate it), then masking and the rules' regexes on the masked text. Pure: takes
 * the file's bytes, returns its definitions and hits.
 */
import { isAscii } from 'node:buffer';
import {
  continuationOf,
  type FoundDefinition,
  jsBindings,
  jsDefinitions,
  pyBindings,
  pyDefinitions,
} from './definitions.js';
import { findFunctions } from './functions.js';
import { findImports } from './imports.js';
import {
  isCode,
  jsxOf,
  type Lang,
  langOf,
  lineAt,
  lineStarts,
  type MaskedSource,
  mask,
  outsideBlanks,
} from './lex.js';
import {
  type CompiledAudit,
  type CompiledDeprecated,
  type CompiledDuplicate,
  type CompiledForbidden,
  type NeedleSet,
  planFor,
} from './rules.js';
import type { FileScan, Hit } from './types.js';

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

/**
 * A view with only the contents of string literals kept, everything else blanked (newlines kept): the
 * same length as the text, so offsets and lines are those of the source, however literals nest
 * (f-strings and template literals inside interpolations).
 */
function stringsView(text: string, src: MaskedSource): string {
  const parts: string[] = [];
  const blank = (a: number, b: number) => parts.push(text.slice(a, b).replace(/[^\n\r]/g, ' '));
  let at = 0;
  for (let k = 0; k < src.contents.length; k += 2) {
    const a = src.contents[k]!;
    const b = src.contents[k + 1]!;
    blank(at, a);
    parts.push(text.slice(a, b));
    at = b;
  }
  blank(at, text.length);
  return parts.join('');
}

// Where the rules' needles occur in the file being scanned: pairs (needle index, byte offset) in
// file order, and each needle's last offset (-1: absent). Reused from file to file: scanning is
// synchronous, so one file's occurrences are read before the next file's are found.
const occurrences: number[] = [];
let lastAt = new Int32Array(16);

/**
 * Fills `occurrences` and `lastAt` for `buf`, in one regex pass over its latin1 reading (one
 * character per byte, so offsets are byte offsets), and returns that reading ('' when no needle).
 */
function findNeedles(needles: NeedleSet, buf: Buffer): string {
  occurrences.length = 0;
  const n = needles.text.length;
  if (lastAt.length < n) lastAt = new Int32Array(n);
  lastAt.fill(-1, 0, n);
  const re = needles.re;
  if (!re) return '';
  const text = buf.toString('latin1');
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index;
    // The regex reports one needle per place; any other starting there is checked here, and the
    // search goes on one past `at`, so overlapping occurrences are all seen.
    for (let k = 0; k < n; k++)
      if (text.startsWith(needles.text[k]!, at)) {
        occurrences.push(k, at);
        lastAt[k] = at;
      }
    re.lastIndex = at + 1;
  }
  return text;
}

function anyFound(ids: readonly number[]): boolean {
  for (const k of ids) if (lastAt[k] !== -1) return true;
  return false;
}

/** Where the last occurrence of needle `k` ends (0: absent). */
function endOf(needles: readonly string[], k: number): number {
  return lastAt[k] === -1 ? 0 : lastAt[k]! + needles[k]!.length;
}

/** Whether some occurrence of one of needles `ids` lies wholly in code (`blanks` in byte offsets). */
function anyInCode(needles: readonly string[], ids: readonly number[], blanks: readonly number[]): boolean {
  for (let j = 0; j < occurrences.length; j += 2) {
    const k = occurrences[j]!;
    const at = occurrences[j + 1]!;
    if (ids.includes(k) && outsideBlanks(blanks, at, at + needles[k]!.length)) return true;
  }
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
  const jsx = lang === 'ts' && jsxOf(file);
  const hits: Hit[] = [];
  const scan: FileScan = { file, defs: [], hits };
  const plan = planFor(c, fileScopes);

  for (const r of plan.maxFileLines) {
    const lines = countLines(buf);
    if (lines > r.max)
      hits.push({ ruleId: r.id, line: 1, message: `${lines} lines (at most ${r.max})`, key: 'file' });
  }

  // Rules this file can violate: those with a needle in it (or none to look for).
  const needles = c.needles.text;
  const bytes =
    plan.duplicates.length || plan.forbidden.length || plan.deprecated.length
      ? findNeedles(c.needles, buf)
      : '';
  let dups: CompiledDuplicate[] = [];
  for (const d of plan.duplicates) if (d.needles === null || anyFound(d.needles)) dups.push(d);
  let forb: CompiledForbidden[] = [];
  for (const f of plan.forbidden)
    if ((f.needle === -1 || lastAt[f.needle] !== -1) && !f.allowIn(file)) forb.push(f);
  if (fast && occurrences.length && (dups.length || forb.length)) {
    // A definition's name and a code match of a forbidden pattern lie in code and contain one of
    // the rule's needles, so a rule none of whose needles lies wholly in code has nothing here.
    // Lexing the latin1 reading up to the last needle answers that without decoding UTF-8 or
    // building the masked text (lex.ts: both readings blank the same characters).
    let limit = 0;
    for (const d of dups)
      if (d.needles) for (const k of d.needles) limit = Math.max(limit, endOf(needles, k));
    for (const f of forb) if (f.needle !== -1) limit = Math.max(limit, endOf(needles, f.needle));
    if (limit > 0) {
      const blanks = mask(bytes, lang, limit, true, jsx).blanks;
      const inCodeDups: CompiledDuplicate[] = [];
      for (const d of dups)
        if (d.needles === null || anyInCode(needles, d.needles, blanks)) inCodeDups.push(d);
      const inCodeForb: CompiledForbidden[] = [];
      for (const f of forb) if (f.needle === -1 || anyInCode(needles, [f.needle], blanks)) inCodeForb.push(f);
      dups = inCodeDups;
      forb = inCodeForb;
    }
  }
  const depr: CompiledDeprecated[] = [];
  for (const d of plan.deprecated) if (anyFound(d.needles) && !d.allowIn(file)) depr.push(d);
  const funcs = plan.maxFunctionLines;
  if (!dups.length && !forb.length && !depr.length && !funcs.length) return scan;

  // An ASCII file (most are) reads the same in latin1, which the needle search already decoded.
  const ascii = isAscii(buf);
  const text = ascii ? bytes || buf.toString('latin1') : buf.toString('utf8');
  // Second, exact prefilter on the raw text before paying for masking.
  // (Not for `matchIn: strings`: a pattern can match the strings view only, e.g. `^x$`.)
  const forbRaw = forb.filter((f) => {
    if (f.rule.matchIn === 'strings') return true;
    f.re.lastIndex = 0;
    return f.re.test(text);
  });
  if (!dups.length && !forbRaw.length && !depr.length && !funcs.length) return scan;

  const src = mask(text, lang, undefined, ascii, jsx);
  let starts: number[] | null = null;
  const line = (offset: number) => {
    if (!starts) starts = lineStarts(text);
    return lineAt(starts, offset);
  };

  const continues = lang === 'py' ? continuationOf(src.strings) : undefined;
  // Declaration files (`.d.ts`, `.pyi` stubs) mirror definitions made elsewhere.
  const declarationFile = /\.d\.[cm]?ts$|\.pyi$/.test(file);
  for (const d of dups) {
    if (declarationFile && !d.rule.declarationFiles) continue;
    const found: FoundDefinition[] =
      lang === 'py'
        ? pyDefinitions(src.code, text, d.namePattern, d.kinds, continues)
        : jsDefinitions(src.code, text, d.namePattern, d.kinds, d.rule.augmentations);
    if (d.rule.bindings)
      found.push(
        ...(lang === 'py'
          ? pyBindings(src.code, text, d.namePattern, d.needles?.map((k) => needles[k]!) ?? null)
          : jsBindings(src.code, d.namePattern)),
      );
    for (const f of found) {
      scan.defs.push({
        ruleId: d.rule.id,
        name: f.name,
        kind: f.kind,
        ...(f.target !== undefined ? { target: f.target } : {}),
        line: line(f.offset),
        endLine: line(f.endOffset),
        ...(f.members ? { members: f.members } : {}),
        ...(f.values && Object.keys(f.values).length ? { values: f.values } : {}),
      });
    }
  }

  const cap = c.limits.findingsPerFile;
  for (const f of forbRaw) {
    // Code matches are found on the raw text and kept when they touch no comment or string.
    const view = f.rule.matchIn === 'strings' ? stringsView(text, src) : text;
    const seen = new Map<string, number>();
    let count = 0;
    f.re.lastIndex = 0;
    for (let m = f.re.exec(view); m; m = f.re.exec(view)) {
      if (m[0].length === 0) f.re.lastIndex++;
      if (f.rule.matchIn === 'code' && !isCode(src, m.index, m.index + m[0].length)) continue;
      // Past the cap matches are only counted: a file cannot hold the audit's memory hostage.
      if (++count > cap) continue;
      const ln = line(m.index);
      const lineText = around(
        text,
        starts![ln - 1]!,
        (starts![ln] ?? text.length + 1) - 1,
        m.index,
        m[0].length,
      );
      const n = (seen.get(lineText) ?? 0) + 1;
      seen.set(lineText, n);
      hits.push({
        ruleId: f.rule.id,
        line: ln,
        message: f.rule.message ?? `forbidden pattern /${f.rule.pattern}/: \`${lineText.slice(0, 120)}\``,
        key: `${lineText}#${n}`,
      });
    }
    if (count > cap) hits.push(cutHit(f.rule.id, count - cap, cap));
  }

  if (depr.length) {
    const imports = findImports(src, text, file, lang, c.sourceRoots);
    const sep = lang === 'py' ? '.' : '/';
    for (const d of depr) {
      const { module, names, replacement } = d.rule;
      const seen = new Map<string, number>();
      for (const imp of imports) {
        const under = (m: string) => m === module || m.startsWith(module + sep);
        // `from pkg import module` imports `pkg.module` (a Python submodule imported by name).
        const viaName =
          lang === 'py' && module !== undefined && imp.names.some((n) => under(`${imp.module}.${n}`));
        const modMatch = module === undefined || under(imp.module) || viaName;
        let what: string | null = null;
        if (names?.length) {
          const bad = imp.names.filter((n) => names.includes(n));
          const viaPath = module !== undefined && names.some((n) => imp.module === `${module}${sep}${n}`);
          if (modMatch && bad.length) what = `${bad.join(', ')} from ${imp.module}`;
          else if (viaPath) what = imp.module;
        } else if (modMatch)
          what =
            under(imp.module) || module === undefined
              ? imp.module
              : `${imp.module}.${imp.names.find((n) => under(`${imp.module}.${n}`))}`;
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
    const spans = findFunctions(src.code, lang, continues);
    // A function's key: its name qualified by the functions around it, and its occurrence among
    // functions of that qualified name in the file, so that two `run` methods never share one.
    const keys: string[] = [];
    const seenFn = new Map<string, number>();
    for (const s of spans) {
      const outer = spans.filter((o) => o !== s && o.offset <= s.offset && o.endOffset >= s.endOffset);
      const q = [...outer.map((o) => o.name), s.name].join('.');
      const n = (seenFn.get(q) ?? 0) + 1;
      seenFn.set(q, n);
      keys.push(n === 1 ? `fn:${q}` : `fn:${q}#${n}`);
    }
    for (const r of funcs) {
      for (const [k, s] of spans.entries()) {
        const a = line(s.offset);
        const b = line(s.endOffset);
        const len = b - a + 1;
        if (len > r.max)
          hits.push({
            ruleId: r.id,
            line: a,
            endLine: b,
            message: `function ${s.name} has ${len} lines (at most ${r.max})`,
            key: keys[k]!,
          });
      }
    }
  }
  scan.hits = capHits(hits, cap);
  return scan;
}

/** The line around a match, whitespace-normalized; of a very long line, only the match's neighbourhood. */
function around(text: string, lineStart: number, lineEnd: number, at: number, len: number): string {
  const from = lineEnd - lineStart > LONG_LINE ? Math.max(lineStart, at - CONTEXT) : lineStart;
  const to = lineEnd - lineStart > LONG_LINE ? Math.min(lineEnd, at + len + CONTEXT) : lineEnd;
  return text.slice(from, to).trim().replace(/\s+/g, ' ');
}

const LONG_LINE = 400;
const CONTEXT = 100;

/** The finding that stands for the `count` findings of a rule past the per-file cap. */
function cutHit(ruleId: string, count: number, cap: number): Hit {
  return {
    ruleId,
    line: 1,
    message: `${count} more finding(s) of this rule in this file not listed (limits.findingsPerFile: ${cap})`,
    key: 'cut',
  };
}

/** At most `cap` hits per rule (the forbidden patterns are capped while matching already). */
function capHits(hits: Hit[], cap: number): Hit[] {
  if (hits.length <= cap) return hits;
  const per = new Map<string, number>();
  const out: Hit[] = [];
  for (const h of hits) {
    const n = (per.get(h.ruleId) ?? 0) + 1;
    per.set(h.ruleId, n);
    if (n <= cap || h.key === 'cut') out.push(h);
  }
  for (const [ruleId, n] of per)
    if (n > cap && !out.some((h) => h.key === 'cut' && h.ruleId === ruleId))
      out.push(cutHit(ruleId, n - cap, cap));
  return out;
}
