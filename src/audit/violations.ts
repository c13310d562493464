/**
 * From per-file scans to violations: per-file hits become violations directly; definitions are
 * grouped by name within each scope, and a name defined in more than one file is a duplicate. Enums
 * of the same name with different members are a separate finding listing the difference. Pure.
 */
import { stableHash } from '../core/ids.js';
import type { CompiledAudit, CompiledDuplicate } from './rules.js';
import type { Definition, FileScan, Violation } from './types.js';

export function fingerprint(ruleId: string, file: string, key: string): string {
  return stableHash(['tdl-audit', ruleId, file, key]);
}

interface Site extends Definition {
  file: string;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** A value as compared: quotes normalized (`'a'` and `"a"` are one value). */
const valueKey = (v: string) => v.replace(/^[rbuRBU]?'(.*)'$/s, '"$1"').replace(/^[rbuRBU]"/, '"');

/** Members both enums have, with different values. */
function valueDiffs(a: Site, b: Site): string[] {
  if (!a.values || !b.values) return [];
  return Object.keys(a.values).filter(
    (m) => b.values![m] !== undefined && valueKey(a.values![m]!) !== valueKey(b.values![m]!),
  );
}

function allowed(d: CompiledDuplicate, name: string, files: readonly string[]): boolean {
  if (d.allowNames(name)) return true;
  return d.allowGroups.some((g) => g.name(name) && files.every((f) => g.files.some((m) => m(f))));
}

/** Violations of one audit: `scans` are the files' scans, `scopesByFile` their scopes. */
export function buildViolations(
  c: CompiledAudit,
  scans: Iterable<FileScan>,
  scopesByFile: ReadonlyMap<string, readonly string[]>,
): Violation[] {
  const out: Violation[] = [];
  const byRule = new Map<string, Site[]>();
  // In file order, so the output does not depend on the order the reader threads handed files over.
  const ordered = [...scans].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const s of ordered) {
    const scopes = [...(scopesByFile.get(s.file) ?? [])];
    for (const h of s.hits) {
      out.push({
        ruleId: h.ruleId,
        kind: kindOf(c, h.ruleId),
        severity: c.severity.get(h.ruleId) ?? 'warning',
        file: s.file,
        line: h.line,
        ...(h.endLine ? { endLine: h.endLine } : {}),
        message: h.message,
        ...(c.fix.get(h.ruleId) ? { fix: c.fix.get(h.ruleId)! } : {}),
        fingerprint: fingerprint(h.ruleId, s.file, h.key),
        scopes,
      });
    }
    for (const d of s.defs) {
      const list = byRule.get(d.ruleId) ?? [];
      byRule.set(d.ruleId, list);
      list.push({ ...d, file: s.file });
    }
  }
  const emitted = new Set<string>();
  for (const d of c.duplicates) {
    const sites = byRule.get(d.rule.id) ?? [];
    for (const scope of c.scopes) {
      if (d.scopes && !d.scopes.has(scope.name)) continue;
      const byName = new Map<string, Site[]>();
      for (const site of sites) {
        if (!scopesByFile.get(site.file)?.includes(scope.name)) continue;
        const l = byName.get(site.name) ?? [];
        byName.set(site.name, l);
        l.push(site);
      }
      for (const [name, group] of byName) {
        const files = [...new Set(group.map((g) => g.file))];
        // What the name is bound to: each file's own definitions (one target per file), and each
        // alias's target. An alias of the name itself (`X = mod.X`, a re-export) adds none.
        const targets = new Set<string>();
        for (const g of group)
          if (g.kind !== 'alias') targets.add(`\0${g.file}`);
          else if (g.target !== name) targets.add(g.target!);
        if (targets.size < 2 || allowed(d, name, files)) continue;
        const conflicting = group.some((g) => g.kind === 'alias' && g.target !== name);
        const defFiles = new Set(group.filter((g) => g.kind !== 'alias').map((g) => g.file)).size;
        const cap = c.limits.relatedSites;
        // A second definition of the name in the same file is a site of its own (listed, and with a
        // fingerprint of its own: the n-th of that kind and name in the file). Aliases of the name
        // itself are only related locations.
        const nth = new Map<string, number>();
        for (const site of group) {
          if (site.kind === 'alias' && site.target === name) continue;
          const others = group.filter((g) => g !== site);
          const shown = others.slice(0, cap);
          const key = `${site.file}\0${site.kind}`;
          const n = (nth.get(key) ?? 0) + 1;
          nth.set(key, n);
          const fp = fingerprint(
            d.rule.id,
            site.file,
            n === 1 ? `${site.kind}:${name}` : `${site.kind}:${name}#${n}`,
          );
          if (!emitted.has(fp)) {
            emitted.add(fp);
            out.push({
              ruleId: d.rule.id,
              kind: 'duplicate-definition',
              severity: c.severity.get(d.rule.id) ?? 'warning',
              file: site.file,
              line: site.line,
              endLine: site.endLine,
              message:
                d.rule.message ??
                (conflicting
                  ? `${site.kind === 'alias' ? `${name} is an alias of ${site.target} here` : `${site.kind} ${name} is defined here`}; the name is bound to ${targets.size} different targets; also at ${sitesText(others)}`
                  : `${site.kind} ${name} is defined in ${defFiles} files; also at ${sitesText(others)}`),
              ...(d.rule.fix ? { fix: d.rule.fix } : {}),
              fingerprint: fp,
              scopes: [...(scopesByFile.get(site.file) ?? [])],
              related: shown.map((o) => ({ file: o.file, line: o.line })),
              ...(others.length > shown.length ? { relatedCount: others.length } : {}),
            });
          }
          if (!site.members) continue;
          const other = others
            .filter(
              (o) => o.members && (!sameMembers(o.members, site.members!) || valueDiffs(site, o).length > 0),
            )
            .sort((a, b) => b.members!.length - a.members!.length)[0];
          if (!other) continue;
          const missing = other.members!.filter((m) => !site.members!.includes(m));
          const extra = site.members.filter((m) => !other.members!.includes(m));
          const differing = valueDiffs(site, other);
          const ruleId = `${d.rule.id}/enum-members`;
          const efp = fingerprint(
            ruleId,
            site.file,
            `${name}:${[...site.members].sort().join(',')}${differing.length ? `|values:${differing.map((m) => `${m}=${site.values![m]}`).join(',')}` : ''}`,
          );
          if (emitted.has(efp)) continue;
          emitted.add(efp);
          out.push({
            ruleId,
            kind: 'enum-members',
            severity: d.rule.enumSeverity,
            file: site.file,
            line: site.line,
            endLine: site.endLine,
            message: `enum ${name} has ${site.members.length} members here and ${other.members!.length} at ${other.file}:${other.line}; missing here: ${missing.join(', ') || 'none'}; only here: ${extra.join(', ') || 'none'}${differing.length ? `; values differ: ${differing.map((m) => `${m} (${site.values![m]} here, ${other.values![m]} there)`).join(', ')}` : ''}`,
            ...(d.rule.fix ? { fix: d.rule.fix } : {}),
            fingerprint: efp,
            scopes: [...(scopesByFile.get(site.file) ?? [])],
            related: [{ file: other.file, line: other.line }],
            members: {
              here: site.members,
              other: { file: other.file, line: other.line, members: other.members! },
              missing,
              extra,
            },
          });
        }
      }
    }
  }
  return out.sort(compareViolations);
}

/** At most this many sites are named in a message; the rest are counted (the full list is `related`). */
const SITES_IN_MESSAGE = 5;

function sitesText(sites: readonly Site[]): string {
  const named = sites
    .slice(0, SITES_IN_MESSAGE)
    .map((o) => `${o.file}:${o.line}${o.kind === 'alias' ? ` (alias of ${o.target})` : ''}`);
  return sites.length > named.length
    ? `${named.join(', ')} and ${sites.length - named.length} more`
    : named.join(', ');
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function compareViolations(a: Violation, b: Violation): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

function kindOf(c: CompiledAudit, ruleId: string): string {
  if (c.forbidden.some((f) => f.rule.id === ruleId)) return 'forbidden-pattern';
  if (c.deprecated.some((f) => f.rule.id === ruleId)) return 'deprecated-import';
  if (c.maxFileLines.some((f) => f.id === ruleId)) return 'max-file-lines';
  if (c.maxFunctionLines.some((f) => f.id === ruleId)) return 'max-function-lines';
  return 'duplicate-definition';
}
