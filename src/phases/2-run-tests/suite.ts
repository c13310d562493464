/** Runs one suite: its attempts (retries), its report, flaky marking and authenticity findings. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { traceparentForRun } from '../../core/ids.js';
import { attemptReportDir } from '../../core/paths.js';
import type { ExecutionState, Verdict } from '../../core/states.js';
import { serviceEnv, serviceTargets } from '../../phase-data/deploy-status.js';
import { phaseData } from '../../phase-data/index.js';
import type { AttemptResult, SuiteResult } from '../../phase-data/run-tests.js';
import { expand, expandAll, type Placeholders } from '../../playbook/placeholders.js';
import type { SuiteConfig } from '../../playbook/sections/suites.js';
import { wholeSuiteCommand } from '../../playbook/split.js';
import { relativizeCases, relativizeText } from '../../results/identity.js';
import { parseReportFile } from '../../results/index.js';
import { countCases, executedCount, type ParsedReport, type TestCase } from '../../results/model.js';
import { lastOutputLine } from '../../results/text.js';
import { CREDENTIAL_ENV } from '../../telemetry/redact.js';
import type { RunContext } from '../context.js';
import { type AuthenticityInput, checkAuthenticity } from './authenticity.js';

const OUTPUT_TAIL_CHARS = 4000;
/** Reports written up to this long before the attempt started still count as fresh (clock skew, mtime granularity). */
const MTIME_SLACK_MS = 1000;

export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g, '');
}

/**
 * The end of a suite's output as the record keeps it: a tail that starts mid-line (the process adapter
 * keeps the last bytes) loses that partial first run, which could be the end of a secret; then it is
 * redacted, then cut.
 */
function safeTail(ctx: RunContext, tail: string, outputBytes: number): string {
  const partial = outputBytes > Buffer.byteLength(tail) ? tail.replace(/^\S*/, '') : tail;
  return ctx.redactor.clip(stripAnsi(partial), OUTPUT_TAIL_CHARS, 'end');
}

/**
 * A suite's `env`: `{reportDir}` and `{runId}` expanded; the value `{inherit}` passes tdl's own value
 * of that variable (the way a suite asks for GITHUB_TOKEN, which it does not get otherwise).
 */
export function suiteEnv(
  env: Record<string, string>,
  values: Placeholders,
  own: NodeJS.ProcessEnv,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === '{inherit}') {
      const value = own[k];
      if (value !== undefined) out[k] = value;
    } else out[k] = expand(v, values);
  }
  return out;
}

function caseKey(c: TestCase): string {
  return `${c.suite}\u0000${c.name}`;
}

/** Final cases of a suite: the last attempt's, with `flaky` set where an earlier attempt disagreed. */
export function mergeAttempts(attempts: readonly TestCase[][]): TestCase[] {
  const last = attempts[attempts.length - 1] ?? [];
  if (attempts.length < 2) return [...last];
  const earlier = new Map<string, Set<string>>();
  for (const cases of attempts.slice(0, -1)) {
    for (const c of cases) {
      const set = earlier.get(caseKey(c)) ?? new Set<string>();
      set.add(c.status);
      earlier.set(caseKey(c), set);
    }
  }
  return last.map((c) => {
    const before = earlier.get(caseKey(c));
    const flaky =
      before !== undefined &&
      c.status !== 'skipped' &&
      [...before].some((s) => s !== c.status && s !== 'skipped');
    return flaky ? { ...c, flaky: true } : c;
  });
}

interface AttemptOutcome {
  attempt: AttemptResult;
  report: ParsedReport | null;
  auth: AuthenticityInput;
  state: ExecutionState;
  verdict: Verdict;
  reason?: string;
  outputTail: string;
  outputBytes: number;
}

function judge(
  exitCode: number | null,
  report: ParsedReport | null,
  reportConfigured: boolean,
): { verdict: Verdict; reason: string } {
  if (!reportConfigured) {
    return exitCode === 0
      ? { verdict: 'pass', reason: 'exited 0 (no report configured)' }
      : { verdict: 'fail', reason: `exited ${exitCode} (no report configured)` };
  }
  if (!report) return { verdict: 'inconclusive', reason: 'no readable report' };
  const counts = countCases(report.cases);
  if (counts.failed + counts.errored > 0) {
    return {
      verdict: 'fail',
      reason: `${counts.failed} failed, ${counts.errored} errored of ${counts.total}`,
    };
  }
  if (executedCount(counts) === 0) return { verdict: 'inconclusive', reason: 'no test executed' };
  return { verdict: 'pass', reason: `${counts.passed} passed of ${counts.total}` };
}

export async function runSuite(ctx: RunContext, suite: SuiteConfig): Promise<SuiteResult> {
  const { paths, playbook, runId } = ctx;
  const cwd = suite.cwd ? resolve(playbook.repoDir, suite.cwd) : playbook.repoDir;
  const command = wholeSuiteCommand(suite, cwd);
  // What the last attempt ran and where its report was (the result names those).
  let argv: string[] = [];
  let reportPath: string | null = null;
  const logFile = join(paths.runDir, `${suite.id}.log`);
  const attempts: AttemptOutcome[] = [];
  const escaped = new Map<number, string>();
  const reports: TestCase[][] = [];
  const started = Date.now();
  const logger = ctx.logger.child({ suite: suite.id });
  // Bound to the revisions phase 0 found (or deployed and tagged): TDL_SERVICE_<NAME>_URL / _REVISION.
  const targets = serviceTargets(phaseData(ctx.record, 'deploy-status'));

  for (let n = 1; n <= suite.retries + 1; n++) {
    if (ctx.signal.aborted) break;
    // Each attempt gets its own fresh report folder, named with a token only this attempt is told: a
    // report in it can only come from this attempt (see attemptReportDir). A report path outside
    // `{reportDir}` cannot be isolated that way; it is accepted only when written after the attempt
    // started (the stale-report check below), and what an earlier, killed run left running was killed
    // before this run went on (survivors.ts).
    const token = randomBytes(4).toString('hex');
    const attemptDir = attemptReportDir(paths.reportDir, suite.id, n, token);
    mkdirSync(attemptDir, { recursive: true });
    const values: Placeholders = { reportDir: attemptDir, runId };
    argv = expandAll(command, values);
    reportPath = suite.report ? resolve(cwd, expand(suite.report.path, values)) : null;
    ctx.progress.suiteStarted(suite.id, suite.tier, n);
    logger.info({ attempt: n, command: argv.join(' ') }, `suite ${suite.id} started`);
    const traceparent = traceparentForRun(runId);
    const env: Record<string, string> = {
      ...serviceEnv(targets),
      ...suiteEnv(suite.env, values, ctx.env),
      TDL_RUN_ID: runId,
      TDL_PHASE: 'run-tests',
      TDL_SUITE: suite.id,
      TDL_ATTEMPT: String(n),
      TDL_REPORT_DIR: attemptDir,
      TDL_ATTEMPT_TOKEN: token,
      TRACEPARENT: traceparent,
    };
    const result = await ctx.ports.process.run(argv, {
      cwd,
      env,
      timeoutMs: suite.timeout,
      logFile: n === 1 ? logFile : join(paths.runDir, `${suite.id}.attempt-${n}.log`),
      shell: suite.shell,
      signal: ctx.signal,
      // tdl's own credentials reach a suite only when its `env` names them.
      dropEnv: CREDENTIAL_ENV,
    });
    for (const p of result.escaped ?? []) escaped.set(p.pid, p.command);
    const attempt: AttemptResult = {
      attempt: n,
      startedAt: result.startedAt,
      durationMs: result.durationMs,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      spanId: traceparent.split('-')[2]!,
      ...(result.spawnError ? { spawnError: result.spawnError } : {}),
      counts: null,
    };
    const auth: AuthenticityInput = {
      suite: suite.id,
      exitCode: result.exitCode,
      report: null,
      reportConfigured: reportPath !== null,
    };
    let report: ParsedReport | null = null;
    let state: ExecutionState = 'completed';
    let verdict: Verdict;
    let reason: string;
    if (result.spawnError) {
      state = 'errored';
      verdict = 'inconclusive';
      reason = `could not start: ${result.spawnError}`;
    } else if (result.cancelled) {
      state = 'cancelled';
      verdict = 'inconclusive';
      reason = 'interrupted';
    } else if (result.timedOut) {
      state = 'timed_out';
      verdict = 'inconclusive';
      reason = `timed out after ${Math.round(suite.timeout / 1000)} s; process tree killed`;
    } else {
      if (reportPath) {
        if (!existsSync(reportPath)) {
          auth.reportProblem = 'missing';
          auth.reportProblemDetail = reportPath;
        } else if (statSync(reportPath).mtimeMs < Date.parse(result.startedAt) - MTIME_SLACK_MS) {
          auth.reportProblem = 'stale';
          auth.reportProblemDetail = `${reportPath} was last written ${statSync(reportPath).mtime.toISOString()}`;
        } else {
          try {
            // Redacted as it enters the record, before any transformation: ids, titles, signatures and
            // excerpts are made from it later.
            report = ctx.redactor.redactDeep(
              await parseReportFile(reportPath, suite.report?.format ?? 'auto'),
            );
            // Test ids and stacks relative to the repository: the same from any checkout folder.
            report = { ...report, cases: relativizeCases(report.cases, { repoDir: playbook.repoDir, cwd }) };
            attempt.counts = countCases(report.cases);
          } catch (error) {
            auth.reportProblem = 'unreadable';
            auth.reportProblemDetail = errorMessage(error);
            attempt.reportError = errorMessage(error);
          }
        }
      }
      auth.report = report;
      ({ verdict, reason } = judge(result.exitCode, report, reportPath !== null));
      if (reportPath && !report) {
        state = 'errored';
        // A failing exit and no report: the suite could not run (runner missing, crash before the
        // report); that is the cause to name, not the missing file.
        const cause = lastOutputLine(stripAnsi(result.outputTail));
        reason =
          result.exitCode !== 0 && result.exitCode !== null
            ? `could not run: exit ${result.exitCode}${cause ? ` (${cause})` : ''}; no report (${auth.reportProblem})`
            : `exited ${result.exitCode}; report ${auth.reportProblem}: ${auth.reportProblemDetail ?? ''}`.trim();
      }
    }
    if (report) reports.push(report.cases);
    attempts.push({
      attempt,
      report,
      auth,
      state,
      verdict,
      reason,
      outputTail: relativizeText(safeTail(ctx, result.outputTail, result.outputBytes), playbook.repoDir),
      outputBytes: result.outputBytes,
    });
    logger.info(
      { attempt: n, state, verdict, exitCode: result.exitCode, durationMs: result.durationMs },
      `suite ${suite.id}: ${reason}`,
    );
    const retryable = state === 'timed_out' || (state === 'completed' && verdict === 'fail');
    if (!retryable) break;
  }

  const last = attempts[attempts.length - 1];
  const cases = last?.report ? mergeAttempts(reports) : [];
  const counts = countCases(cases);
  const findings = last ? checkAuthenticity(last.auth) : [];
  if (escaped.size)
    findings.push({
      kind: 'escaped-process',
      severity: 'warning',
      subject: suite.id,
      message: `${escaped.size} process(es) left the suite's process group (setsid) and outlived it; killed after a grace: ${[
        ...escaped,
      ]
        .slice(0, 5)
        .map(([pid, command]) => `${pid} ${command}`)
        .join('; ')}`,
    });
  let verdict: Verdict = last?.verdict ?? 'inconclusive';
  let reason = last?.reason ?? 'not run';
  if (attempts.length > 1 && last?.verdict === 'pass') {
    reason = `${reason}; passed on attempt ${attempts.length} (${counts.flaky} flaky)`;
  }
  if (last?.verdict === 'pass' && findings.some((f) => f.severity === 'error')) {
    // A green report that fails an authenticity check is not evidence of green.
    verdict = 'inconclusive';
    reason = `${reason}; authenticity: ${findings
      .filter((f) => f.severity === 'error')
      .map((f) => f.kind)
      .join(', ')}`;
  }
  const result: SuiteResult = {
    id: suite.id,
    tier: suite.tier,
    categories: suite.categories,
    command: argv,
    state: last?.state ?? 'cancelled',
    verdict,
    reason,
    attempts: attempts.map((a) => a.attempt),
    durationMs: Date.now() - started,
    counts,
    cases,
    // The format the report was read as (auto-detected when the playbook does not name one).
    report: reportPath
      ? { path: reportPath, format: last?.report?.format ?? suite.report?.format ?? 'auto' }
      : null,
    logFile,
    outputTail: last?.outputTail ?? '',
    outputBytes: last?.outputBytes ?? 0,
    findings,
    services: targets.map((t) => ({ name: t.name, ...t.target })),
  };
  ctx.progress.suiteEnded(suite.id, `${result.state}, ${verdict}: ${reason}`, verdict === 'pass');
  return result;
}
