/**
 * External auditors: a command (argv, through the ProcessPort, with its timeout) whose SARIF or
 * ESLint JSON report is merged into the audit's violations.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessPort } from '../adapters/process/port.js';
import type { AuditSeverity, ExternalAuditor } from '../playbook/sections/audit.js';
import type { Violation } from './types.js';
import { fingerprint } from './violations.js';

export interface ExternalRun {
  id: string;
  state: 'completed' | 'errored' | 'timed_out';
  violations: number;
  durationMs: number;
  reason?: string;
}

interface Raw {
  rule: string;
  severity: AuditSeverity;
  file: string;
  line: number;
  message: string;
  key?: string;
}

function relFile(root: string, uri: string): string {
  let p = uri;
  if (p.startsWith('file://')) p = fileURLToPath(p);
  const abs = isAbsolute(p) ? p : resolve(root, p);
  return relative(root, abs).split(sep).join('/');
}

const SARIF_LEVEL: Record<string, AuditSeverity> = {
  error: 'error',
  warning: 'warning',
  note: 'info',
  none: 'info',
};

/** Results of a SARIF 2.1.0 log. */
export function parseSarif(data: unknown, root: string): Raw[] {
  const runs = (data as { runs?: unknown[] })?.runs;
  if (!Array.isArray(runs)) throw new Error('not a SARIF log (no "runs" array)');
  const out: Raw[] = [];
  for (const run of runs as {
    results?: {
      ruleId?: string;
      level?: string;
      message?: { text?: string };
      partialFingerprints?: Record<string, string>;
      locations?: {
        physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
      }[];
    }[];
  }[]) {
    for (const r of run.results ?? []) {
      const loc = r.locations?.[0]?.physicalLocation;
      if (!loc?.artifactLocation?.uri) continue;
      const fp = r.partialFingerprints ? Object.values(r.partialFingerprints)[0] : undefined;
      out.push({
        rule: r.ruleId ?? 'unknown',
        severity: SARIF_LEVEL[r.level ?? 'warning'] ?? 'warning',
        file: relFile(root, loc.artifactLocation.uri),
        line: loc.region?.startLine ?? 1,
        message: r.message?.text ?? '',
        ...(fp ? { key: fp } : {}),
      });
    }
  }
  return out;
}

/** Messages of an ESLint `--format json` report. */
export function parseEslintJson(data: unknown, root: string): Raw[] {
  if (!Array.isArray(data)) throw new Error('not an ESLint JSON report (expected an array of files)');
  const out: Raw[] = [];
  for (const f of data as {
    filePath?: string;
    messages?: { ruleId?: string | null; severity?: number; message?: string; line?: number }[];
  }[]) {
    if (!f.filePath) continue;
    for (const m of f.messages ?? []) {
      out.push({
        rule: m.ruleId ?? 'parse-error',
        severity: m.severity === 2 ? 'error' : 'warning',
        file: relFile(root, f.filePath),
        line: m.line ?? 1,
        message: m.message ?? '',
      });
    }
  }
  return out;
}

/** The JSON document in a command's output: all of it, or from its first `{` / `[`. */
function parseJsonOutput(text: string): unknown {
  const t = text.trim();
  try {
    return JSON.parse(t);
  } catch {
    const i = t.search(/[[{]/);
    if (i === -1) throw new Error('no JSON in its output');
    return JSON.parse(t.slice(i));
  }
}

export interface ExternalContext {
  root: string;
  process: ProcessPort;
  logDir: string;
  reportDir: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  scopesOf(file: string): string[];
}

/** Runs one auditor; its violations are returned, and what happened is described by the run. */
export async function runExternal(
  a: ExternalAuditor,
  ctx: ExternalContext,
): Promise<{ run: ExternalRun; violations: Violation[] }> {
  const fill = (s: string) => s.replaceAll('{reportDir}', ctx.reportDir);
  const output = a.output ? resolve(ctx.root, fill(a.output)) : null;
  if (output && existsSync(output)) rmSync(output); // a report can only come from this run
  const result = await ctx.process.run(a.command.map(fill), {
    cwd: ctx.root,
    env: ctx.env,
    timeoutMs: a.timeout,
    logFile: join(ctx.logDir, `audit-${a.id}.log`),
    tailBytes: output ? 64 * 1024 : 32 * 1024 * 1024,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const base = { id: a.id, durationMs: result.durationMs, violations: 0 };
  if (result.timedOut)
    return {
      run: { ...base, state: 'timed_out', reason: `timed out after ${a.timeout} ms` },
      violations: [],
    };
  if (result.spawnError)
    return { run: { ...base, state: 'errored', reason: result.spawnError }, violations: [] };
  let raws: Raw[];
  try {
    const text = output ? readFileSync(output, 'utf8') : result.outputTail;
    const data = parseJsonOutput(text);
    raws = a.format === 'sarif' ? parseSarif(data, ctx.root) : parseEslintJson(data, ctx.root);
  } catch (e) {
    return {
      run: {
        ...base,
        state: 'errored',
        reason: `exit ${result.exitCode}; could not read its ${a.format} report: ${(e as Error).message}`,
      },
      violations: [],
    };
  }
  const seen = new Map<string, number>();
  const violations = raws.map((r): Violation => {
    const ruleId = `${a.id}/${r.rule}`;
    const key = r.key ?? r.message;
    const n = (seen.get(`${r.file}\0${ruleId}\0${key}`) ?? 0) + 1;
    seen.set(`${r.file}\0${ruleId}\0${key}`, n);
    return {
      ruleId,
      kind: 'external',
      severity: a.severity ?? r.severity,
      file: r.file,
      line: r.line,
      message: r.message,
      fingerprint: fingerprint(ruleId, r.file, `${key}#${n}`),
      scopes: ctx.scopesOf(r.file),
    };
  });
  return { run: { ...base, state: 'completed', violations: violations.length }, violations };
}
