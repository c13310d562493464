/**
 * The tools `tdl mcp` offers, as one table: name, schemas, and a call that reuses the command's own
 * implementation (startRun, resumeRun, runStatus, auditRun, readResults, listRuns, sendOutbox) and
 * returns a plain object. Bounding, redaction and errors are the server's (src/mcp/server.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import { EXIT, exitMeaning, UsageError } from '../core/errors.js';
import type { RunRecord } from '../core/record.js';
import type { ProgressReporter } from '../phases/context.js';
import { Redactor } from '../telemetry/redact.js';
import { pageWithin } from './bound.js';
import * as s from './schemas.js';
import { clusterViewOf, explain, runSummary } from './views.js';

export interface ToolContext {
  cwd: string;
  /** The `-p` given to `tdl mcp`, if any: the playbook is then located as the CLI does. */
  playbook: string | undefined;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** The run's progress: notifications when the client asked for them (a progress token). */
  progress: ProgressReporter;
  /** Resolves once a call of this server that runs `runId` has ended (at once when none does). */
  settled(runId: string): Promise<void>;
}

export interface ToolOutcome {
  result: Record<string, unknown>;
  redactor: Redactor;
}

export interface Tool<I extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: z.ZodType;
  readOnly: boolean;
  call(args: z.output<I>, ctx: ToolContext): Promise<ToolOutcome>;
}

const tool = <I extends z.ZodType>(t: Tool<I>): Tool => t as unknown as Tool;

async function playbookFile(ctx: ToolContext): Promise<string> {
  const { locatePlaybook } = await import('../playbook/load.js');
  return locatePlaybook(ctx.playbook, ctx.cwd);
}

async function stateDir(ctx: ToolContext): Promise<string> {
  return (await import('../core/paths.js')).stateDirFor(ctx.cwd, ctx.env);
}

/** The newest run under the state folder (run ids sort by their start time). */
function latestRunId(dir: string): string {
  const runs = join(dir, 'runs');
  const ids = existsSync(runs)
    ? readdirSync(runs)
        .filter((id) => existsSync(join(runs, id, 'record.json')))
        .sort()
    : [];
  if (!ids.length) throw new UsageError('ENORUN', `no runs under ${dir}`, 'start one with the `run` tool');
  return ids[ids.length - 1]!;
}

async function storedRecord(ctx: ToolContext, runId: string | undefined): Promise<RunRecord> {
  const { openRun } = await import('../worklog/run-folder.js');
  const dir = await stateDir(ctx);
  return openRun(runId ?? latestRunId(dir), dir);
}

const recordRedactor = (record: RunRecord, env: NodeJS.ProcessEnv) =>
  Redactor.fromEnv(record.redactEnv ?? [], env);

async function sessionFor(ctx: ToolContext, wait: boolean | undefined) {
  return {
    cwd: ctx.cwd,
    env: ctx.env,
    signal: ctx.signal,
    wait: Boolean(wait),
    // stdout is the protocol: human lines go to stderr (the client's log), warnings and worse only.
    humanLog: process.stderr,
    humanLevel: 'warn' as const,
    progress: ctx.progress,
  };
}

const envelope = (runId: string | null, exitCode: number, summary: string) => ({
  runId,
  exitCode,
  exitMeaning: exitMeaning(exitCode),
  summary,
});

export const TOOLS: readonly Tool[] = [
  tool({
    name: 'run',
    title: 'Run the loop',
    description:
      'Runs the whole loop on the playbook (deployment, tests by tier, audit, decision, worklog, publish), as `tdl run`. Sends a progress notification per phase and per suite when the call has a progress token; cancelling the call interrupts the run as Ctrl-C does (state cancelled, exit 130), and `resume` continues it. Returns the run in a few lines; `failures` and `explain` read its clusters, the resource in `record` holds the whole record.',
    input: s.runInput,
    output: s.runOutput,
    readOnly: false,
    async call(a, ctx) {
      const { startRun } = await import('../pipeline/session.js');
      const options = {
        focus: a.focus ?? 'all',
        deploy: a.deploy ?? false,
        dryRun: a.dryRun ?? false,
        publish: a.publish ?? ('auto' as const),
        only: a.only ?? null,
        untilGreen: a.untilGreen ?? false,
        maxIterations: a.maxIterations ?? 3,
      };
      const record = await startRun(await playbookFile(ctx), options, await sessionFor(ctx, a.wait));
      return { result: runSummary(record), redactor: recordRedactor(record, ctx.env) };
    },
  }),
  tool({
    name: 'resume',
    title: 'Resume an interrupted run',
    description:
      'Continues an interrupted (cancelled or killed) run from its first unfinished phase, in the same run folder and worklog, as `tdl resume`. Progress and cancellation as for `run`.',
    input: s.resumeInput,
    output: s.runOutput,
    readOnly: false,
    async call(a, ctx) {
      const { resumeRun } = await import('../pipeline/session.js');
      // Cancelled from this session a moment ago: its record is still being written.
      await ctx.settled(a.runId);
      const record = await resumeRun(a.runId, await sessionFor(ctx, a.wait));
      return { result: runSummary(record), redactor: recordRedactor(record, ctx.env) };
    },
  }),
  tool({
    name: 'status',
    title: 'Cloud Run status',
    description:
      "Checks the Cloud Run revisions of the playbook's services (phase 0 alone, read-only), as `tdl status`.",
    input: s.statusInput,
    output: s.statusOutput,
    readOnly: true,
    async call(a, ctx) {
      const [{ runStatus }, { loadPlaybook }] = await Promise.all([
        import('../pipeline/status.js'),
        import('../playbook/load.js'),
      ]);
      const file = await playbookFile(ctx);
      const report = await runStatus(file, ctx.env);
      const { services, verdict, exitCode, error } = report;
      const line = `${services.length} service(s): ${verdict}${error ? ` — ${error}` : ''}`;
      return {
        result: pageWithin(services, a.offset ?? 0, a.limit ?? 50, (slice, page) => ({
          ...envelope(null, exitCode, line),
          verdict,
          services: slice,
          page,
        })),
        redactor: Redactor.fromEnv(loadPlaybook(file).redact.env, ctx.env),
      };
    },
  }),
  tool({
    name: 'results',
    title: 'Read test reports',
    description:
      'Reads test report files (JUnit XML, vitest/jest JSON, TAP, go test -json) and returns their counts and cases, paged, as `tdl results --json`.',
    input: s.resultsInput,
    output: s.resultsOutput,
    readOnly: true,
    async call(a, ctx) {
      const { readResults } = await import('../cli/commands/results.js');
      const { resultsDocument } = await import('../results/summary.js');
      const { resolve } = await import('node:path');
      const { read, exitCode } = await readResults(
        a.files.map((f) => resolve(ctx.cwd, f)),
        a.format ?? 'auto',
      );
      const { cases, files, ...totals } = resultsDocument(read);
      const line = `${totals.total} tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.errored} errored, ${totals.skipped} skipped`;
      return {
        result: pageWithin(cases, a.offset ?? 0, a.limit ?? 100, (slice, page) => ({
          ...envelope(null, exitCode, line),
          totals,
          files,
          cases: slice,
          page,
        })),
        redactor: new Redactor(),
      };
    },
  }),
  tool({
    name: 'audit',
    title: 'Audit the code',
    description:
      'Audits the code for single-source-of-truth violations (the rules in the playbook), as `tdl audit --json`; `rule` keeps one rule, `base` marks what is new since a git ref. Violations are paged.',
    input: s.auditInput,
    output: s.auditOutput,
    readOnly: false,
    async call(a, ctx) {
      const { auditRun } = await import('../audit/command.js');
      const { resolve } = await import('node:path');
      const file = await playbookFile(ctx);
      const { report, outcome, redactor } = await auditRun(
        a.dir ? resolve(ctx.cwd, a.dir) : undefined,
        {
          playbook: file,
          ...(a.base ? { base: a.base } : {}),
          ...(a.rule ? { rule: [a.rule] } : {}),
          strict: Boolean(a.strict),
        },
        ctx.cwd,
      );
      const { violations } = report;
      const exitCode = outcome.verdict === 'pass' ? EXIT.ok : EXIT.defer;
      const line = `${violations.length} violation(s)${a.rule ? ` of rule ${a.rule}` : ''} in ${report.filesAudited} audited file(s); verdict ${outcome.verdict}`;
      return {
        result: pageWithin(violations, a.offset ?? 0, a.limit ?? 50, (slice, page) => ({
          ...envelope(null, exitCode, line),
          verdict: outcome.verdict,
          reasons: outcome.reasons,
          filesAudited: report.filesAudited,
          violations: slice,
          page,
        })),
        redactor,
      };
    },
  }),
  tool({
    name: 'worklogs',
    title: 'List runs',
    description:
      "Lists the playbook's runs from its worklog folder, newest first: pass rate per tier, failing tests, violations, decision; as `tdl worklogs --json`.",
    input: s.worklogsInput,
    output: s.worklogsOutput,
    readOnly: true,
    async call(a, ctx) {
      const [{ loadPlaybook }, { listRuns }] = await Promise.all([
        import('../playbook/load.js'),
        import('../worklog/trend.js'),
      ]);
      const playbook = loadPlaybook(await playbookFile(ctx));
      const name = a.all ? null : playbook.name;
      const rows = listRuns(playbook.worklogDir, name, 1000);
      const newest = rows[0] ?? null;
      const line = newest
        ? `${rows.length} run(s); newest ${newest.runId}: ${newest.decision}`
        : `no runs in ${playbook.worklogDir}`;
      return {
        result: pageWithin(rows, a.offset ?? 0, a.limit ?? 20, (slice, page) => ({
          ...envelope(newest?.runId ?? null, EXIT.ok, line),
          dir: playbook.worklogDir,
          playbook: name,
          runs: slice,
          page,
        })),
        redactor: Redactor.fromEnv(playbook.redact.env, ctx.env),
      };
    },
  }),
  tool({
    name: 'publish',
    title: "Send a run's outbox",
    description:
      "Sends a run's outbox (drafts written without a token or with publish outbox) to GitHub, as `tdl publish`; safe to repeat: nothing is filed twice.",
    input: s.publishInput,
    output: s.publishOutput,
    readOnly: false,
    async call(a, ctx) {
      const { sendOutbox } = await import('../phases/6-publish/send.js');
      const sent = await sendOutbox({
        runId: a.runId,
        stateDir: await stateDir(ctx),
        env: ctx.env,
        dryRun: Boolean(a.dryRun),
      });
      const issues = sent.outcome?.issues ?? [];
      const line = sent.planned
        ? `would do ${sent.planned.length} action(s)`
        : `${issues.length} issue(s)${sent.outcome?.pull ? `, pull request #${sent.outcome.pull.number}` : ''}`;
      return {
        result: pageWithin<unknown, Record<string, unknown>>(sent.planned ?? issues, 0, 200, (slice) => ({
          ...envelope(a.runId, EXIT.ok, line),
          dryRun: Boolean(a.dryRun),
          planned: sent.planned ? slice : null,
          issues: sent.planned ? [] : slice,
          pull: sent.outcome?.pull ?? null,
        })),
        redactor: sent.redactor,
      };
    },
  }),
  tool({
    name: 'failures',
    title: 'Failure clusters of a run',
    description:
      'The failure clusters of a run (default: the newest) with their evidence chains: assertion, project frame, last change, first failing run, deployed revision, GitHub issue. Paged; each cluster is bounded (at most 10 of its tests, long texts cut).',
    input: s.failuresInput,
    output: s.failuresOutput,
    readOnly: true,
    async call(a, ctx) {
      const { clustersFor } = await import('../clustering/cluster.js');
      const record = await storedRecord(ctx, a.runId);
      const clusters = clustersFor(record);
      const tests = clusters.reduce((n, c) => n + c.tests.length, 0);
      const exitCode = record.exitCode ?? EXIT.defer;
      const line = `run ${record.runId}: ${tests} failing test(s) in ${clusters.length} cluster(s)`;
      return {
        result: pageWithin(clusters, a.offset ?? 0, a.limit ?? 10, (slice, page) => ({
          ...envelope(record.runId, exitCode, line),
          clusters: slice.map(clusterViewOf),
          page,
        })),
        redactor: recordRedactor(record, ctx.env),
      };
    },
  }),
  tool({
    name: 'explain',
    title: 'Explain one failure',
    description:
      'One cluster or one test of a run (default: the newest): its failure, the stack frames inside the repository, its outcome in this and earlier runs, and the open GitHub issue.',
    input: s.explainInput,
    output: s.explainOutput,
    readOnly: true,
    async call(a, ctx) {
      const record = await storedRecord(ctx, a.runId);
      const { readHistory } = await import('../worklog/history.js');
      const { loadPlaybook } = await import('../playbook/load.js');
      let runs: RunRecord[] = [record];
      if (existsSync(record.playbook.file)) {
        const { worklogDir } = loadPlaybook(record.playbook.file);
        runs = readHistory(worklogDir, record.playbook.name).map((h) => h.record);
      }
      const subject = a.cluster !== undefined ? { cluster: a.cluster } : { test: a.test! };
      return { result: explain(record, runs, subject), redactor: recordRedactor(record, ctx.env) };
    },
  }),
];
