/**
 * Rules compiled from the playbook's `audit` section into matchers. Compiling is cheap and pure, so
 * both the main thread and the scan workers do it from the same config.
 */
import picomatch from 'picomatch';
// Types only: the scan workers must not load zod.
import type {
  AuditConfig,
  AuditSeverity,
  DeprecatedImportRule,
  DuplicateRule,
  ForbiddenRule,
} from '../playbook/sections/audit.js';
import { globNeedles, globToIdent } from './definitions.js';
import type { DefinitionKind } from './types.js';

export type FileMatcher = (file: string) => boolean;

const NEVER: FileMatcher = () => false;

const PLAIN_DIR = /^[\w.-]+(?:\/[\w.-]+)*\/\*\*$/;

export function matcher(globs: readonly string[]): FileMatcher {
  if (globs.length === 0) return NEVER;
  // `dir/**` globs (the usual scope) are a prefix test: 50,000 files make picomatch's cost show.
  if (globs.every((g) => PLAIN_DIR.test(g) && !g.includes('..'))) {
    const prefixes = globs.map((g) => g.slice(0, -2));
    return (file) => prefixes.some((p) => file.startsWith(p));
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
  needles: Buffer[] | null;
  allowNames: FileMatcher;
  allowGroups: { name: FileMatcher; files: FileMatcher[] }[];
}

export interface CompiledForbidden extends Applies {
  rule: ForbiddenRule;
  re: RegExp;
  needle: Buffer | null;
  allowIn: FileMatcher;
}

export interface CompiledDeprecated extends Applies {
  rule: DeprecatedImportRule;
  needles: Buffer[];
  allowIn: FileMatcher;
}

export interface CompiledMax extends Applies {
  id: string;
  max: number;
}

export interface CompiledAudit {
  scopes: { name: string; match: FileMatcher }[];
  exclude: FileMatcher;
  duplicates: CompiledDuplicate[];
  forbidden: CompiledForbidden[];
  deprecated: CompiledDeprecated[];
  maxFileLines: CompiledMax[];
  maxFunctionLines: CompiledMax[];
  severity: Map<string, AuditSeverity>;
  fix: Map<string, string>;
  /** Every rule needs the file decoded and masked (no cheap prefilter exists). */
  alwaysDecode: boolean;
}

/** The longest literal run a regex requires, or null when none can be read off its source. */
export function regexNeedle(source: string): string | null {
  let best = '';
  let run = '';
  let inClass = false;
  const flush = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (inClass) {
      if (ch === '\\') i++;
      else if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '|') return null;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (/[A-Za-z0-9]/.test(next)) flush();
      else run += next;
    } else if (ch === '*' || ch === '?' || ch === '{') {
      run = run.slice(0, -1);
      flush();
      if (ch === '{') while (i < source.length && source[i] !== '}') i++;
    } else if (ch === '+') {
      flush();
    } else if (ch === '[') {
      flush();
      inClass = true;
    } else if ('.()^$'.includes(ch)) {
      flush();
    } else run += ch;
  }
  flush();
  return best.length >= 3 ? best : null;
}

function appliesTo(scopes: readonly string[] | undefined): ReadonlySet<string> | null {
  return scopes?.length ? new Set(scopes) : null;
}

export function compileAudit(config: AuditConfig): CompiledAudit {
  const scopeEntries = Object.entries(config.scopes);
  const out: CompiledAudit = {
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
    alwaysDecode: false,
  };
  for (const rule of config.rules) {
    out.severity.set(rule.id, rule.severity);
    if (rule.fix) out.fix.set(rule.id, rule.fix);
    const scopes = appliesTo(rule.scopes);
    switch (rule.kind) {
      case 'duplicate-definition': {
        const namePattern = rule.names.map(globToIdent).join('|');
        const needles = globNeedles(rule.names);
        if (!needles) out.alwaysDecode = true;
        const names = rule.allow.filter((a): a is string => typeof a === 'string');
        out.duplicates.push({
          rule,
          scopes,
          namePattern: `(?:${namePattern})`,
          nameRe: new RegExp(`^(?:${namePattern})$`),
          kinds: new Set(rule.definitions),
          needles: needles ? needles.map((n) => Buffer.from(n)) : null,
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
        const needle = rule.matchIn === 'code' ? regexNeedle(rule.pattern) : null;
        if (!needle) out.alwaysDecode = true;
        out.forbidden.push({
          rule,
          scopes,
          re: new RegExp(rule.pattern, 'gm'),
          needle: needle ? Buffer.from(needle) : null,
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
          needles: (rule.names?.length ? rule.names : words).map((w) => Buffer.from(w)),
          allowIn: matcher(rule.allowIn),
        });
        break;
      }
      case 'max-file-lines':
        out.maxFileLines.push({ id: rule.id, max: rule.max, scopes });
        break;
      case 'max-function-lines':
        out.maxFunctionLines.push({ id: rule.id, max: rule.max, scopes });
        out.alwaysDecode = true;
        break;
    }
  }
  return out;
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
