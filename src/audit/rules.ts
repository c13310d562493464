/**
 * Rules compiled from the playbook's `audit` section into matchers, once per audit (cheap and pure).
 */
import picomatch from 'picomatch';
import type {
  AuditConfig,
  AuditLimits,
  AuditSeverity,
  DeprecatedImportRule,
  DuplicateRule,
  ForbiddenRule,
} from '../playbook/sections/audit.js';
import { globNeedles, globToIdent } from './definitions.js';
import { DEFAULT_LIMITS } from './skip.js';
import type { DefinitionKind } from './types.js';

export type FileMatcher = (file: string) => boolean;

const NEVER: FileMatcher = () => false;

const PLAIN_DIR = /^[\w.-]+(?:\/[\w.-]+)*\/\*\*$/;

/** A glob without any glob syntax: one path (an `allowIn` canonical home, say). */
const LITERAL = /^[\w-][\w.-]*(?:\/[\w.-]+)*$/;

/**
 * Files matching some of `globs`. A glob starting with `!` excludes: `["app/**", "!app/tests/**"]` is
 * app without its tests (as in .gitignore); negations alone exclude from everything.
 */
export function matcher(globs: readonly string[]): FileMatcher {
  const negated = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  if (negated.length) {
    const positive = globs.filter((g) => !g.startsWith('!'));
    const include = positive.length ? positiveMatcher(positive) : () => true;
    const exclude = positiveMatcher(negated);
    return (file) => include(file) && !exclude(file);
  }
  return positiveMatcher(globs);
}

function positiveMatcher(globs: readonly string[]): FileMatcher {
  if (globs.length === 0) return NEVER;
  // `dir/**` globs (the usual scope) are a prefix test and plain paths an equality test: 50,000
  // files make picomatch's cost show.
  if (globs.every((g) => !g.includes('..') && (PLAIN_DIR.test(g) || LITERAL.test(g)))) {
    const exact = new Set(globs.filter((g) => LITERAL.test(g)));
    const prefixes = globs.filter((g) => !LITERAL.test(g)).map((g) => g.slice(0, -2));
    return (file) => exact.has(file) || prefixes.some((p) => file.startsWith(p));
  }
  return picomatch(globs as string[], { dot: true });
}

interface Applies {
  /** Scopes the rule is limited to (null: every scope). */
  scopes: ReadonlySet<string> | null;
}

export interface CompiledDuplicate extends Applies {
  rule: DuplicateRule;
  namePattern: string;
  nameRe: RegExp;
  kinds: ReadonlySet<DefinitionKind>;
  /** Indexes in `CompiledAudit.needles` of the literal parts of the name globs; null: none (e.g. `*`). */
  needles: number[] | null;
  allowNames: FileMatcher;
  allowGroups: { name: FileMatcher; files: FileMatcher[] }[];
}

export interface CompiledForbidden extends Applies {
  rule: ForbiddenRule;
  re: RegExp;
  /** Index in `CompiledAudit.needles` of the literal every code match contains; -1: none. */
  needle: number;
  allowIn: FileMatcher;
}

export interface CompiledDeprecated extends Applies {
  rule: DeprecatedImportRule;
  /** Indexes in `CompiledAudit.needles`: an import of the module or names contains one of them. */
  needles: number[];
  allowIn: FileMatcher;
}

export interface CompiledMax extends Applies {
  id: string;
  max: number;
}

/**
 * Every literal needle of the rules, found in one pass over a file's bytes (scan.ts). A file is
 * searched as a latin1 string, one character per byte, so needles are kept as the latin1 reading of
 * their UTF-8 bytes and offsets are byte offsets.
 */
export interface NeedleSet {
  text: string[];
  /** Matches where some needle starts; null when there are no needles. */
  re: RegExp | null;
}

/** The rules that apply to one list of scopes (files share their scope arrays; see planFor). */
export interface ScopePlan {
  duplicates: CompiledDuplicate[];
  forbidden: CompiledForbidden[];
  deprecated: CompiledDeprecated[];
  maxFileLines: CompiledMax[];
  maxFunctionLines: CompiledMax[];
}

export interface CompiledAudit {
  limits: AuditLimits;
  /** Folders that are the root of Python packages (`src` in a src/ layout). */
  sourceRoots: readonly string[];
  scopes: { name: string; match: FileMatcher }[];
  exclude: FileMatcher;
  duplicates: CompiledDuplicate[];
  forbidden: CompiledForbidden[];
  deprecated: CompiledDeprecated[];
  maxFileLines: CompiledMax[];
  maxFunctionLines: CompiledMax[];
  severity: Map<string, AuditSeverity>;
  fix: Map<string, string>;
  needles: NeedleSet;
  /** planFor's cache, keyed by the scope array itself. */
  plans: WeakMap<readonly string[], ScopePlan>;
}

const QUANTIFIER = /^\{\d+(?:,\d*)?\}/;

/** Index just after the character class opening at `i`. */
function skipClass(source: string, i: number): number {
  for (i++; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i + 1;
  }
  return source.length;
}

/** Index just after the group opening at `i` (escapes and classes inside skipped). */
function skipGroup(source: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

/**
 * The longest literal run every match of a regex contains, or null when none of 3+ characters can
 * be read off its source. Conservative: only top-level literals count (groups, classes and escapes
 * other than escaped punctuation end a run; a quantified character leaves it), and any `|` gives
 * null. Both prefilters rely on it: a file without it cannot match, and a match in code contains it
 * in code.
 */
export function regexNeedle(source: string): string | null {
  let best = '';
  let run = '';
  const flush = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  if (source.includes('|')) return null;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    let atom = '';
    let next = i + 1;
    if (ch === '\\') {
      const e = source[i + 1] ?? '';
      if (/[A-Za-z0-9]/.test(e)) {
        // \d, \b, \x41, \u{..}, \p{..}, \k<..>, \1: none is a plain character here.
        flush();
        next = i + 2;
        const rest = source.slice(next);
        const arg = /^(?:[0-9A-Fa-f]{2,4}|\{[^}]*\}|<[^>]*>|[A-Za-z])/.exec(rest);
        if ('xucpPk'.includes(e) && arg) next += arg[0].length;
        else if (/[0-9]/.test(e)) while (/[0-9]/.test(source[next] ?? '')) next++;
        i = next;
        continue;
      }
      atom = e;
      next = i + 2;
    } else if (ch === '(' || ch === '[') {
      flush();
      i = ch === '(' ? skipGroup(source, i) : skipClass(source, i);
      i = skipQuantifier(source, i);
      continue;
    } else if ('.^$*+?{'.includes(ch)) {
      // A stray quantifier or an assertion: not a literal.
      flush();
      i = ch === '{' ? Math.max(i + 1, skipQuantifier(source, i)) : i + 1;
      continue;
    } else atom = ch;
    const q = source[next] ?? '';
    const quantified =
      q === '*' || q === '?' || q === '+' || (q === '{' && QUANTIFIER.test(source.slice(next)));
    if (!quantified) {
      run += atom;
      i = next;
      continue;
    }
    // `x+`/`x{1,}` still needs one x, but the run cannot go on past the repetition.
    if (q === '+' || (q === '{' && /^\{[1-9]/.test(source.slice(next)))) run += atom;
    flush();
    i = skipQuantifier(source, next);
  }
  flush();
  return best.length >= 3 ? best : null;
}

/** Index after a quantifier (with its lazy `?`) at `i`, or `i` when there is none. */
function skipQuantifier(source: string, i: number): number {
  const ch = source[i];
  let j = i;
  if (ch === '*' || ch === '+' || ch === '?') j = i + 1;
  else if (ch === '{') {
    const m = QUANTIFIER.exec(source.slice(i));
    if (m) j = i + m[0].length;
  }
  if (j > i && source[j] === '?') j++;
  return j;
}

function appliesTo(scopes: readonly string[] | undefined): ReadonlySet<string> | null {
  return scopes?.length ? new Set(scopes) : null;
}

export function compileAudit(config: AuditConfig): CompiledAudit {
  const scopeEntries = Object.entries(config.scopes);
  const out: CompiledAudit = {
    limits: { ...DEFAULT_LIMITS, ...config.limits },
    sourceRoots: config.sourceRoots ?? [],
    scopes: scopeEntries.length
      ? scopeEntries.map(([name, globs]) => ({ name, match: matcher(globs) }))
      : [{ name: 'all', match: () => true }],
    exclude: matcher(config.exclude),
    duplicates: [],
    forbidden: [],
    deprecated: [],
    maxFileLines: [],
    maxFunctionLines: [],
    severity: new Map(),
    fix: new Map(),
    needles: { text: [], re: null },
    plans: new WeakMap(),
  };
  const needleIds = new Map<string, number>();
  const needle = (literal: string): number => {
    const text = Buffer.from(literal).toString('latin1');
    let id = needleIds.get(text);
    if (id === undefined) {
      id = out.needles.text.length;
      needleIds.set(text, id);
      out.needles.text.push(text);
    }
    return id;
  };
  for (const rule of config.rules) {
    out.severity.set(rule.id, rule.severity);
    if (rule.fix) out.fix.set(rule.id, rule.fix);
    const scopes = appliesTo(rule.scopes);
    switch (rule.kind) {
      case 'duplicate-definition': {
        const namePattern = rule.names.map(globToIdent).join('|');
        const needles = globNeedles(rule.names);
        const names = rule.allow.filter((a): a is string => typeof a === 'string');
        out.duplicates.push({
          rule,
          scopes,
          namePattern: `(?:${namePattern})`,
          nameRe: new RegExp(`^(?:${namePattern})$`),
          kinds: new Set(rule.definitions),
          needles: needles ? needles.map(needle) : null,
          allowNames: names.length ? picomatch(names) : NEVER,
          allowGroups: rule.allow
            .filter((a) => typeof a !== 'string')
            .map((a) => ({
              name: a.name ? picomatch(a.name) : () => true,
              files: a.files.map((g) => picomatch(g, { dot: true })),
            })),
        });
        break;
      }
      case 'forbidden-pattern': {
        const literal = rule.matchIn === 'code' ? regexNeedle(rule.pattern) : null;
        out.forbidden.push({
          rule,
          scopes,
          re: new RegExp(rule.pattern, 'gm'),
          needle: literal ? needle(literal) : -1,
          allowIn: matcher(rule.allowIn),
        });
        break;
      }
      case 'deprecated-import': {
        const words = [
          ...(rule.names ?? []),
          ...(rule.module ? [rule.module.split(/[./]/).filter(Boolean).pop() ?? rule.module] : []),
        ];
        out.deprecated.push({
          rule,
          scopes,
          needles: (rule.names?.length ? rule.names : words).map(needle),
          allowIn: matcher(rule.allowIn),
        });
        break;
      }
      case 'max-file-lines':
        out.maxFileLines.push({ id: rule.id, max: rule.max, scopes });
        break;
      case 'max-function-lines':
        out.maxFunctionLines.push({ id: rule.id, max: rule.max, scopes });
        break;
    }
  }
  if (out.needles.text.length)
    out.needles.re = new RegExp(
      out.needles.text.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
      'g',
    );
  return out;
}

/** The rules that apply to a file in `fileScopes`, worked out once per distinct scope array. */
export function planFor(c: CompiledAudit, fileScopes: readonly string[]): ScopePlan {
  let plan = c.plans.get(fileScopes);
  if (!plan) {
    const applies = (r: Applies) => ruleApplies(r, fileScopes);
    plan = {
      duplicates: c.duplicates.filter(applies),
      forbidden: c.forbidden.filter(applies),
      deprecated: c.deprecated.filter(applies),
      maxFileLines: c.maxFileLines.filter(applies),
      maxFunctionLines: c.maxFunctionLines.filter(applies),
    };
    c.plans.set(fileScopes, plan);
  }
  return plan;
}

/** Scopes a file belongs to (empty: not audited). */
export function scopesOf(c: CompiledAudit, file: string): string[] {
  if (c.exclude(file)) return [];
  const out: string[] = [];
  for (const s of c.scopes) if (s.match(file)) out.push(s.name);
  return out;
}

export function ruleApplies(rule: Applies, fileScopes: readonly string[]): boolean {
  return rule.scopes === null || fileScopes.some((s) => rule.scopes!.has(s));
}
