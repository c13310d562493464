/**
 * Scores and the per-rule summary of an audit (README, "Scores"). Pure: violations in, figures out.
 *
 * A rule's score in a scope: 100 × F / (F + 10 × P), where F is the number of files of the scope that
 * were read and P the rule's violations there weighted by severity (error 1, warning 0.25, info 0.05).
 * 100 means no violation; every violation lowers it (a second one in an already dirty file too); an
 * info note costs a twentieth of an error; one error per ten files gives 50. A scope's score is the
 * mean of the scores of the rules that apply to it, so one noisy rule cannot stand for all of them.
 */
import type { AuditSeverity } from '../playbook/sections/audit.js';
import type { Violation } from './types.js';

export const SEVERITY_WEIGHT: Record<AuditSeverity, number> = { error: 1, warning: 0.25, info: 0.05 };
/** How many files one error "costs" to halve a score. */
const FILES_PER_POINT = 10;

export interface ScopeScore {
  files: number;
  filesWithViolations: number;
  /** Mean of the rule scores of the scope, 0-100, one decimal. */
  score: number;
  /** Score per rule (the rule's id; an external auditor's findings count under the auditor's id). */
  rules: Record<string, number>;
  byRule: Record<string, number>;
  bySeverity: Record<string, number>;
}

/** A rule's line in the summary: what it found, what changed, where. */
export interface RuleSummary {
  kind: string;
  count: number;
  bySeverity: Record<string, number>;
  /** New since the baseline, or introduced since the base when one was compared; null: neither. */
  new: number | null;
  /** Baseline entries (or violations at the base) of this rule that are gone; null: neither compared. */
  fixed: number | null;
  /** Distinct files with a violation of the rule. */
  files: number;
  /** The rule's score over all scanned files of its scopes. */
  score: number;
}

/** The rule a violation is scored under: `<rule>/enum-members` under its rule, external under the auditor. */
export function scoringRule(ruleId: string): string {
  const slash = ruleId.indexOf('/');
  return slash === -1 ? ruleId : ruleId.slice(0, slash);
}

/** 100 × F / (F + 10 × P), one decimal; 100 when there is nothing to count against. */
export function ruleScore(files: number, penalty: number): number {
  if (penalty === 0) return 100;
  return Math.round((1000 * files) / (files + FILES_PER_POINT * penalty)) / 10;
}

/**
 * Scores per scope. `rulesOf(scope)`: the rules that apply to the scope (playbook rules limited to
 * other scopes are left out, external auditors apply everywhere).
 */
export function scoreScopes(
  scopes: readonly string[],
  rulesOf: (scope: string) => readonly string[],
  filesPerScope: ReadonlyMap<string, number>,
  violations: readonly Violation[],
): Record<string, ScopeScore> {
  const out: Record<string, ScopeScore> = {};
  const penalty = new Map<string, Map<string, number>>();
  const dirty = new Map<string, Set<string>>();
  for (const s of scopes) {
    out[s] = {
      files: filesPerScope.get(s) ?? 0,
      filesWithViolations: 0,
      score: 100,
      rules: {},
      byRule: {},
      bySeverity: {},
    };
    penalty.set(s, new Map());
    dirty.set(s, new Set());
  }
  for (const v of violations) {
    for (const s of v.scopes) {
      const sc = out[s];
      if (!sc) continue;
      sc.byRule[v.ruleId] = (sc.byRule[v.ruleId] ?? 0) + 1;
      sc.bySeverity[v.severity] = (sc.bySeverity[v.severity] ?? 0) + 1;
      const p = penalty.get(s)!;
      const r = scoringRule(v.ruleId);
      p.set(r, (p.get(r) ?? 0) + SEVERITY_WEIGHT[v.severity]);
      dirty.get(s)!.add(v.file);
    }
  }
  for (const s of scopes) {
    const sc = out[s]!;
    sc.filesWithViolations = dirty.get(s)!.size;
    const p = penalty.get(s)!;
    const rules = new Set([...rulesOf(s), ...p.keys()]);
    for (const r of [...rules].sort()) sc.rules[r] = ruleScore(sc.files, p.get(r) ?? 0);
    const scores = Object.values(sc.rules);
    sc.score = scores.length
      ? Math.round((10 * scores.reduce((a, b) => a + b, 0)) / scores.length) / 10
      : 100;
  }
  return out;
}

/**
 * The per-rule summary, in the order of `rules` (playbook order, then external). `fixedByRule`: gone
 * since the baseline or the base, per rule id; null when neither was compared.
 */
export function summarizeRules(
  rules: readonly { id: string; kind: string; files: number }[],
  violations: readonly Violation[],
  fixedByRule: ReadonlyMap<string, number> | null,
  compared: 'base' | 'baseline' | null,
): Record<string, RuleSummary> {
  const out: Record<string, RuleSummary> = {};
  const files = new Map<string, Set<string>>();
  const penalty = new Map<string, number>();
  const add = (id: string, kind: string) => {
    out[id] ??= {
      kind,
      count: 0,
      bySeverity: {},
      new: compared ? 0 : null,
      fixed: fixedByRule ? (fixedByRule.get(id) ?? 0) : null,
      files: 0,
      score: 100,
    };
    return out[id];
  };
  for (const r of rules) add(r.id, r.kind);
  for (const v of violations) {
    const id = scoringRule(v.ruleId);
    const s = add(id, v.kind === 'enum-members' ? 'duplicate-definition' : v.kind);
    s.count++;
    s.bySeverity[v.severity] = (s.bySeverity[v.severity] ?? 0) + 1;
    if (compared === 'base' ? v.introduced : compared === 'baseline' ? v.status === 'new' : false)
      s.new = (s.new ?? 0) + 1;
    const f = files.get(id) ?? new Set<string>();
    files.set(id, f);
    f.add(v.file);
    penalty.set(id, (penalty.get(id) ?? 0) + SEVERITY_WEIGHT[v.severity]);
  }
  const scanned = new Map(rules.map((r) => [r.id, r.files]));
  for (const [id, s] of Object.entries(out)) {
    s.files = files.get(id)?.size ?? 0;
    s.score = ruleScore(scanned.get(id) ?? s.files, penalty.get(id) ?? 0);
  }
  return out;
}
