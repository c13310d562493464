/**
 * One audit from start to end: list files, scan them, build violations, run external auditors,
 * compare with `--base` (without checking it out) and with the baseline, score the scopes.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GitTreeOps } from '../adapters/git/tree.js';
import type { ProcessPort } from '../adapters/process/port.js';
import { UsageError } from '../core/errors.js';
import type { AuditConfig } from '../playbook/sections/audit.js';
import type { Redactor } from '../telemetry/redact.js';
import { type BaselineComparison, compareWithBaseline, readBaseline, writeBaseline } from './baseline.js';
import { type ExternalRun, runExternal } from './external.js';
import { langOf } from './lex.js';
import { auditCandidates, type Listing, startListing } from './listing.js';
import { readAhead, scannerCount } from './readers.js';
import { type CompiledAudit, compileAudit, ruleApplies, scopesOf } from './rules.js';
import { scanSplit } from './scan-split.js';
import { type RuleSummary, type ScopeScore, scoreScopes, scoringRule, summarizeRules } from './score.js';
import { SkipList, type SkippedFiles } from './skip.js';
import { scanBuffers, scanTree } from './tree-scan.js';
import type { FileScan, Violation } from './types.js';
import { buildViolations, compareViolations } from './violations.js';

export interface AuditInput {
  /** Absolute folder audited; file paths are relative to it. */
  root: string;
  config: AuditConfig;
  git: GitTreeOps;
  process: ProcessPort;
  /** A listing started earlier (see listing.ts); used when it is of `root`. */
  listing?: Listing;
  /** Git ref for introduced violations; null/undefined: none. */
  base?: string | null;
  /** Only these rules (ids; an external auditor's id, or `<auditor>/<rule>`); undefined: all. */
  rules?: readonly string[];
  /** `update`: write the baseline from this audit (after comparing with the old one). */
  baseline: 'compare' | 'update';
  /** Where external auditors' logs go, and what `{reportDir}` means for them. */
  logDir: string;
  reportDir: string;
  env?: NodeJS.ProcessEnv;
  redactor: Redactor;
  signal?: AbortSignal;
}

export interface BaseComparison {
  ref: string;
  commit: string;
  /** Audited files that differ between the ref and the working tree. */
  changedFiles: number;
  introducedCount: number;
  /** Violations at the ref that are gone now. */
  fixedCount: number;
  /** Rule scores at the ref (the trend's other end). */
  ruleScores: Record<string, number>;
}

export interface AuditReport {
  root: string;
  filesAudited: number;
  /** Files in some scope that were not read (symlinks, too large, binary, minified...), with why. */
  skipped: SkippedFiles;
  source: 'git' | 'walk';
  durationMs: number;
  violations: Violation[];
  /** Per rule, in playbook order: count, new, fixed, files, score (README, "Output"). */
  rules: Record<string, RuleSummary & { scoreAtBase: number | null }>;
  scopes: Record<string, ScopeScore>;
  /** Problems with the playbook this audit revealed: a scope, rule or allowIn that matches no file. */
  warnings: string[];
  baseline: (BaselineComparison & { updated: boolean }) | null;
  base: BaseComparison | null;
  external: ExternalRun[];
}

/** Dependency, VCS and cache folders: never sources, wherever they are. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.tdl',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.next',
]);
/**
 * Build output folders, skipped only at the top of the walk: deeper down a folder named `build` or
 * `out` is as likely a source package (`app/build/`), and minified output is skipped by content.
 */
const SKIP_TOP_DIRS = new Set(['dist', 'build', 'out', 'coverage', 'target']);

/**
 * Files under `root` outside git: a walk that skips dependency, VCS and cache folders. Symbolic
 * links are not followed; those and other non-files are returned in `special` (with their kind).
 */
export function walkFiles(root: string): { files: string[]; special: [string, 'symlink' | 'not-a-file'][] } {
  const files: string[] = [];
  const special: [string, 'symlink' | 'not-a-file'][] = [];
  const visit = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !(rel === '' && SKIP_TOP_DIRS.has(e.name)))
          visit(join(dir, e.name), path);
      } else if (e.isFile()) files.push(path);
      else special.push([path, e.isSymbolicLink() ? 'symlink' : 'not-a-file']);
    }
  };
  visit(root, '');
  return { files: files.sort(), special };
}

/**
 * The playbook's audit with only the rules `ids` names (a playbook rule id, an external auditor's
 * id, or `<auditor>/<rule>`, which keeps that auditor). An id that names nothing is a usage error.
 */
export function selectRules(config: AuditConfig, ids: readonly string[] | undefined): AuditConfig {
  if (!ids?.length) return config;
  const known = [...config.rules.map((r) => r.id), ...config.external.map((e) => e.id)];
  const unknown = ids.filter((id) => !known.includes(scoringRule(id)));
  if (unknown.length)
    throw new UsageError(
      'EAUDITRULE',
      `--rule ${unknown.join(', ')}: no such rule in the playbook's audit section`,
      `rules: ${known.join(', ') || '(none)'}`,
    );
  const wanted = new Set(ids.map(scoringRule));
  return {
    ...config,
    rules: config.rules.filter((r) => wanted.has(r.id)),
    external: config.external.filter((e) => wanted.has(e.id)),
  };
}

/** Whether a violation is one `ids` asks for (every one when no ids were given). */
function selected(ids: readonly string[] | undefined, ruleId: string): boolean {
  return !ids?.length || ids.includes(ruleId) || ids.includes(scoringRule(ruleId));
}

export async function runAudit(input: AuditInput): Promise<AuditReport> {
  const started = Date.now();
  const root = resolve(input.root);
  const config = selectRules(input.config, input.rules);
  const c = compileAudit(config);
  const env = input.env ?? process.env;

  // The untracked listing walks the whole tree (slow on big trees): it runs while tracked files scan.
  const listing = input.listing?.root === root ? input.listing : startListing(input.git, root, env);
  const untrackedP = listing.untracked;
  const tracked = await listing.tracked;
  const ahead = await listing.ahead;
  const source = tracked ? 'git' : 'walk';
  // Files share one array per distinct scope list: 50,000 long-lived arrays cost GC and copying.
  // No map by file name here: hashing 50,000 names showed in profiles, and only the few files with
  // findings (and `--base`) need a lookup.
  const shared = new Map<string, string[]>();
  const scopesFor = (f: string): string[] | null => {
    const own = scopesOf(c, f);
    if (own.length === 0) return null;
    const key = own.length === 1 ? own[0]! : own.join('\0');
    let scopes = shared.get(key);
    if (!scopes) {
      scopes = own;
      shared.set(key, scopes);
    }
    return scopes;
  };
  const audited: [string, string[]][] = [];
  const select = (candidates: readonly string[]) => {
    const scopes: (string[] | null)[] = [];
    for (const f of candidates) {
      const s = scopesFor(f);
      scopes.push(s);
      if (s) audited.push([f, s]);
    }
    return scopes;
  };
  // Tracked and untracked listings never share a file (git lists each once), nor does the walk.
  const skipped = new SkipList();
  const walk = tracked ? null : walkFiles(root);
  const candidates = ahead?.candidates ?? auditCandidates(tracked ?? walk!.files);
  const job = ahead ? ahead.job : readAhead(root, candidates, env);
  // Scanner threads (scan-split.ts) when the tree is big and there is more than one core; else this
  // thread scans, what reader threads read (readers.ts) or what it reads itself.
  const scanners = job ? 0 : scannerCount(candidates.length, env);
  const scans = scanners
    ? await scanSplit(c, config, root, candidates, select(candidates), scanners + 1, skipped)
    : scanTree(c, root, candidates, select(candidates), job, skipped);
  if (tracked) {
    const untracked = auditCandidates((await untrackedP) ?? []);
    scans.push(...scanTree(c, root, untracked, select(untracked), null, skipped));
  } else {
    await untrackedP;
    for (const [f, reason] of walk!.special)
      if (auditCandidates([f]).length && scopesFor(f)) skipped.add(f, reason);
  }
  if (skipped.names.size) {
    let n = 0;
    for (const entry of audited) if (!skipped.names.has(entry[0])) audited[n++] = entry;
    audited.length = n;
  }
  const violations = buildViolations(c, scans, new Map(scans.map((x) => [x.file, scopesOf(c, x.file)])));

  const external: ExternalRun[] = [];
  for (const a of config.external) {
    const r = await runExternal(a, {
      root,
      process: input.process,
      logDir: input.logDir,
      reportDir: input.reportDir,
      env: { TDL_PHASE: 'compliance' },
      ...(input.signal ? { signal: input.signal } : {}),
      scopesOf: (f) => scopesOf(c, f),
    });
    external.push(r.run);
    violations.push(...r.violations.filter((v) => v.scopes.length > 0 && selected(input.rules, v.ruleId)));
  }
  violations.sort(compareViolations);

  const filesPerScope = new Map<string, number>();
  const filesPerScopes = new Map<string[], number>();
  for (const [, scopes] of audited) {
    filesPerScopes.set(scopes, (filesPerScopes.get(scopes) ?? 0) + 1);
    for (const s of scopes) filesPerScope.set(s, (filesPerScope.get(s) ?? 0) + 1);
  }
  const ruleList = rulesOf(c, filesPerScopes, audited.length, external);

  const base = input.base
    ? await compareWithBase(input, c, root, input.base, scans, new Map(audited), violations, ruleList)
    : null;

  let baseline: AuditReport['baseline'] = null;
  const baselineFile = resolve(root, config.baseline);
  const read = readBaseline(baselineFile);
  // With --rule, the baseline's other rules are neither compared nor reported as fixed.
  const old = read && { ...read, entries: read.entries.filter((e) => selected(input.rules, e.ruleId)) };
  if (old) baseline = { ...compareWithBaseline(baselineFile, old, violations), updated: false };
  if (input.baseline === 'update') {
    if (input.rules?.length)
      throw new UsageError(
        'EAUDITRULE',
        '--update-baseline with --rule would drop the other rules from the baseline',
      );
    writeBaseline(baselineFile, violations, input.redactor);
    baseline = {
      ...(baseline ?? {
        file: baselineFile,
        entries: 0,
        newCount: violations.length,
        knownCount: 0,
        fixed: [],
      }),
      updated: true,
    };
  }

  // External auditors may report files the audit does not read: those are listed, not scored.
  let scored = violations;
  if (external.length) {
    const names = new Set(audited.map(([f]) => f));
    scored = violations.filter((v) => names.has(v.file));
  }
  const fixed = base ? base.fixedByRule : baseline && !baseline.updated ? countByRule(baseline.fixed) : null;
  const summary = summarizeRules(
    ruleList,
    scored,
    fixed,
    base ? 'base' : baseline && !baseline.updated ? 'baseline' : null,
  );
  const rules: AuditReport['rules'] = {};
  for (const [id, r] of Object.entries(summary))
    rules[id] = { ...r, scoreAtBase: base ? (base.ruleScores[id] ?? 100) : null };
  const scopeRules = (scope: string) => [
    ...[...c.severity.keys()].filter((id) => ruleAppliesTo(c, id, scope)),
    ...external.map((e) => e.id),
  ];
  return {
    root,
    filesAudited: audited.length,
    skipped: skipped.result,
    source,
    durationMs: Date.now() - started,
    violations,
    rules,
    scopes: scoreScopes(
      c.scopes.map((s) => s.name),
      scopeRules,
      filesPerScope,
      scored,
    ),
    warnings: auditWarnings(config, c, filesPerScope, ruleList, candidates, scopesFor),
    baseline,
    base: base && {
      ref: base.ref,
      commit: base.commit,
      changedFiles: base.changedFiles,
      introducedCount: base.introducedCount,
      fixedCount: base.fixedCount,
      ruleScores: base.ruleScores,
    },
    external,
  };
}

function countByRule(entries: readonly { ruleId: string }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) out.set(scoringRule(e.ruleId), (out.get(scoringRule(e.ruleId)) ?? 0) + 1);
  return out;
}

function ruleAppliesTo(c: CompiledAudit, id: string, scope: string): boolean {
  const r =
    [...c.duplicates, ...c.forbidden, ...c.deprecated].find((x) => x.rule.id === id) ??
    [...c.maxFileLines, ...c.maxFunctionLines].find((x) => x.id === id);
  return r ? ruleApplies(r, [scope]) : true;
}

/** Each rule with its kind and the number of files read in its scopes (external auditors: all). */
function rulesOf(
  c: CompiledAudit,
  filesPerScopes: ReadonlyMap<string[], number>,
  total: number,
  external: readonly ExternalRun[],
): { id: string; kind: string; files: number }[] {
  const out: { id: string; kind: string; files: number }[] = [];
  const count = (r: { scopes: ReadonlySet<string> | null }) => {
    let n = 0;
    for (const [scopes, k] of filesPerScopes) if (ruleApplies(r, scopes)) n += k;
    return n;
  };
  for (const id of c.severity.keys()) {
    const r =
      c.duplicates.find((x) => x.rule.id === id) ??
      c.forbidden.find((x) => x.rule.id === id) ??
      c.deprecated.find((x) => x.rule.id === id);
    const m = c.maxFileLines.find((x) => x.id === id) ?? c.maxFunctionLines.find((x) => x.id === id);
    const kind = r
      ? r.rule.kind
      : c.maxFileLines.some((x) => x.id === id)
        ? 'max-file-lines'
        : 'max-function-lines';
    out.push({ id, kind, files: count(r ?? m!) });
  }
  for (const e of external) out.push({ id: e.id, kind: 'external', files: total });
  return out;
}

/**
 * What in the playbook matched nothing: a scope without files, a rule whose scopes hold no file, an
 * `allowIn` home that is no listed file (a typo there makes every use a violation).
 */
function auditWarnings(
  config: AuditConfig,
  c: CompiledAudit,
  filesPerScope: ReadonlyMap<string, number>,
  rules: readonly { id: string; kind: string; files: number }[],
  candidates: readonly string[],
  scopesFor: (f: string) => string[] | null,
): string[] {
  const out: string[] = [];
  for (const s of c.scopes)
    if (!filesPerScope.get(s.name))
      out.push(
        `scope "${s.name}" matches no audited file (check its globs: ${(config.scopes[s.name] ?? ['(all)']).join(', ')})`,
      );
  for (const r of rules)
    if (r.kind !== 'external' && r.files === 0 && [...filesPerScope.values()].some((n) => n > 0))
      out.push(`rule "${r.id}" applies to no audited file (its scopes hold none)`);
  for (const r of config.rules) {
    if (!('allowIn' in r) || r.allowIn.length === 0) continue;
    const allow =
      c.forbidden.find((f) => f.rule.id === r.id)?.allowIn ??
      c.deprecated.find((d) => d.rule.id === r.id)?.allowIn;
    if (allow && !candidates.some((f) => allow(f) && scopesFor(f)))
      out.push(`rule "${r.id}": allowIn ${r.allowIn.join(', ')} matches no audited file`);
  }
  return out;
}

/**
 * Violations at `ref` without checking it out: files unchanged since the ref have the same scan as
 * now; changed files are read at the ref with one `git cat-file --batch` and scanned; duplicates are
 * regrouped over the ref's file set. A violation is introduced when its fingerprint is not at the ref.
 */
async function compareWithBase(
  input: AuditInput,
  c: CompiledAudit,
  root: string,
  ref: string,
  scans: readonly FileScan[],
  scopesByFile: ReadonlyMap<string, string[]>,
  violations: Violation[],
  ruleList: readonly { id: string; kind: string; files: number }[],
): Promise<BaseComparison & { fixedByRule: Map<string, number> }> {
  const commit = await input.git.resolveCommit(root, ref);
  if (!commit)
    throw new UsageError(
      'EBASEREF',
      `--base ${ref}: not a commit in ${root}`,
      'give a branch, tag or commit',
    );
  const changed = (await input.git.changedSince(root, commit)).filter((f) => langOf(f.path));
  const changedPaths = new Set(changed.map((f) => f.path));
  const baseScopes = new Map<string, string[]>();
  for (const [f, s] of scopesByFile) if (!changedPaths.has(f)) baseScopes.set(f, s);
  const atRef: [string, string[]][] = [];
  for (const f of changed) {
    if (f.status === 'A') continue;
    const s = scopesOf(c, f.path);
    if (s.length === 0) continue;
    atRef.push([f.path, s]);
    baseScopes.set(f.path, s);
  }
  const contents = await input.git.readAtRef(
    root,
    commit,
    atRef.map(([f]) => f),
  );
  for (const [f] of atRef) if (!contents.has(f)) baseScopes.delete(f);
  const baseScans = [...scans.filter((s) => !changedPaths.has(s.file)), ...scanBuffers(c, atRef, contents)];
  const beforeViolations = buildViolations(c, baseScans, baseScopes).filter((v) =>
    selected(input.rules, v.ruleId),
  );
  const before = new Set(beforeViolations.map((v) => v.fingerprint));
  let introducedCount = 0;
  const now = new Set<string>();
  for (const v of violations) {
    now.add(v.fingerprint);
    // External auditors cannot be re-run at the ref: theirs count as introduced in changed files.
    v.introduced = v.kind === 'external' ? changedPaths.has(v.file) : !before.has(v.fingerprint);
    if (v.introduced) introducedCount++;
  }
  const gone = beforeViolations.filter((v) => !now.has(v.fingerprint));
  // External findings at the ref are unknown: their score there is taken as today's.
  const summaryAtRef = summarizeRules(
    ruleList.filter((r) => r.kind !== 'external'),
    beforeViolations,
    null,
    null,
  );
  const ruleScores: Record<string, number> = {};
  for (const r of ruleList) ruleScores[r.id] = summaryAtRef[r.id]?.score ?? 100;
  for (const r of ruleList.filter((x) => x.kind === 'external'))
    ruleScores[r.id] = summarizeRules(
      [r],
      violations.filter((v) => scoringRule(v.ruleId) === r.id),
      null,
      null,
    )[r.id]!.score;
  return {
    ref,
    commit,
    changedFiles: changed.length,
    introducedCount,
    fixedCount: gone.length,
    fixedByRule: countByRule(gone),
    ruleScores,
  };
}
