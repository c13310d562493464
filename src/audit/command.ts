/** `tdl audit`: loads the playbook's audit section, runs the audit, writes SARIF/baseline, prints. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGitPort } from '../adapters/git/index.js';
import { createProcessPort } from '../adapters/process/index.js';
import { UsageError } from '../core/errors.js';
import { stateDirFor } from '../core/paths.js';
import { TOOL_VERSION } from '../core/version.js';
import { loadPlaybook, locatePlaybook } from '../playbook/load.js';
import { printHuman, printJson, writeJsonAtomic } from '../telemetry/outlet.js';
import { Redactor } from '../telemetry/redact.js';
import { type AuditReport, runAudit } from './engine.js';
import { ruleHelp } from './help.js';
import type { Listing } from './listing.js';
import { type AuditOutcome, auditOutcome } from './outcome.js';
import { toSarif } from './sarif.js';
import { renderAuditText } from './text.js';

export interface AuditFlags {
  playbook?: string;
  json?: boolean;
  sarif?: string;
  base?: string;
  updateBaseline?: boolean;
  strict?: boolean;
  /** Only these rules (`--rule`, repeatable or comma-separated). */
  rule?: string[];
}

/** Exit codes: 0 nothing fails, 1 failing violations (or an auditor that could not run), 2 usage. */
export async function auditCommand(
  dir: string | undefined,
  flags: AuditFlags,
  cwd = process.cwd(),
  listing?: Listing,
): Promise<number> {
  const { report, outcome, redactor } = await auditRun(dir, flags, cwd, listing);
  if (flags.json) printJson({ ...report, verdict: outcome.verdict, reasons: outcome.reasons }, redactor);
  // With --rule the reader asked for those findings: all of them (up to 500 a rule), not a sample.
  else printHuman(renderAuditText(report, outcome, flags.rule?.length ? 500 : 10), redactor);
  return outcome.verdict === 'pass' ? 0 : 1;
}

/** The audit as `tdl audit` runs it (SARIF and baseline written), without printing (`tdl mcp` too). */
export async function auditRun(
  dir: string | undefined,
  flags: Omit<AuditFlags, 'json'>,
  cwd = process.cwd(),
  listing?: Listing,
): Promise<{ report: AuditReport; outcome: AuditOutcome; redactor: Redactor }> {
  const playbook = loadPlaybook(locatePlaybook(flags.playbook, cwd));
  if (!playbook.audit)
    throw new UsageError(
      'ENOAUDIT',
      `${playbook.file}: the playbook has no audit section`,
      'add audit.rules (see README, "The audit")',
    );
  const root = dir ? resolve(cwd, dir) : playbook.repoDir;
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new UsageError('EAUDITDIR', `not a folder: ${dir ?? root}`);
  const redactor = Redactor.fromEnv(playbook.redact.env);
  // The state folder is only needed for external auditors' logs.
  const stateDir = playbook.audit.external.length ? stateDirFor(root) : join(root, '.tdl');
  const report = await runAudit({
    root,
    config: playbook.audit,
    git: createGitPort(),
    ...(listing ? { listing } : {}),
    process: createProcessPort(),
    base: flags.base ?? null,
    ...(flags.rule?.length ? { rules: flags.rule.flatMap((r) => r.split(',')).filter(Boolean) } : {}),
    baseline: flags.updateBaseline ? 'update' : 'compare',
    logDir: join(stateDir, 'audit'),
    reportDir: join(stateDir, 'audit', 'reports'),
    redactor,
  });
  const outcome = auditOutcome(report, Boolean(flags.strict));
  if (flags.sarif)
    writeJsonAtomic(
      resolve(cwd, flags.sarif),
      toSarif(report.violations, { root, toolVersion: TOOL_VERSION, ruleHelp: ruleHelp(playbook.audit) }),
      redactor,
    );
  return { report, outcome, redactor };
}
