/**
 * Phase 2 run-tests: run the selected suites tier by tier, apply each tier's gate, and stop at the
 * first failed gate (NO-GO): later tiers are `skipped` with the reason, as in the seed worklog.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { attemptReportDir } from '../../core/paths.js';
import { type Verdict, worstVerdict } from '../../core/states.js';
import { policyOf } from '../../decision/weakening.js';
import { cleanRuns, testHealth } from '../../history/health.js';
import { outcomeCode } from '../../history/model.js';
import { applyQuarantine, notCountedBySuite, quarantineFindings } from '../../history/quarantine.js';
import { isCodePath, regressionRanges } from '../../history/regression.js';
import { phaseResult } from '../../phase-data/index.js';
import type { QuarantineData } from '../../phase-data/quarantine.js';
import type { Regression } from '../../phase-data/run-tests.js';
import {
  type RunTestsData,
  runTestsDataSchema,
  type SuiteResult,
  type TierResult,
} from '../../phase-data/run-tests.js';
import { expandAll } from '../../playbook/placeholders.js';
import type { SuiteConfig } from '../../playbook/sections/suites.js';
import { wholeSuiteCommand } from '../../playbook/split.js';
import { addCounts, type Counts, countCases, passRate } from '../../results/model.js';
import type { RunContext } from '../context.js';
import type { Phase, PhaseOutcome } from '../phase.js';
import { evaluateGate, withQuarantine } from './gates.js';
import { renderRunTests } from './section.js';
import { runSuite } from './suite.js';

/** A suite that did not run (NO-GO before its tier, interrupted): inconclusive, with the reason. */
export function skippedSuite(
  suite: Pick<SuiteConfig, 'id' | 'tier' | 'categories' | 'command'>,
  reason: string,
): SuiteResult {
  return {
    id: suite.id,
    tier: suite.tier,
    categories: suite.categories,
    command: suite.command,
    state: 'skipped',
    verdict: 'inconclusive',
    reason,
    attempts: [],
    durationMs: 0,
    counts: countCases([]),
    cases: [],
    report: null,
    logFile: null,
    outputTail: '',
    outputBytes: 0,
    findings: [],
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function selectedSuites(ctx: RunContext): SuiteConfig[] {
  const selection = phaseResult(ctx.record, 'select-tests')?.data;
  const byId = new Map(ctx.playbook.suites.map((s) => [s.id, s]));
  // Without phase 1 (e.g. --only run-tests), every suite runs in playbook tier order.
  const ids = selection
    ? selection.selected.map((s) => s.id)
    : [...ctx.playbook.suites].sort((a, b) => a.tier - b.tier).map((s) => s.id);
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/**
 * The phase's verdict and figures from its suites and tiers (also used for a sharded run's merge):
 * the worst verdict of the suites that ran, the gates and a NO-GO; nothing run is inconclusive.
 */
export function rollUp(
  results: readonly SuiteResult[],
  tierResults: readonly TierResult[],
  noGo: RunTestsData['noGo'],
): { verdict: Verdict; reason: string; counts: Counts; passRate: number | null } {
  const ranSuites = results.filter((r) => r.state !== 'skipped');
  const counts = addCounts(...ranSuites.map((r) => r.counts));
  const verdicts: Verdict[] = [
    ...ranSuites.map((r) => r.verdict),
    ...tierResults.flatMap((t) => (t.gate ? [t.gate.verdict] : [])),
    ...(noGo ? (['fail'] as Verdict[]) : []),
  ];
  const verdict = ranSuites.length === 0 ? 'inconclusive' : worstVerdict(verdicts);
  const reason = `${counts.passed} passed, ${counts.failed} failed, ${counts.errored} errored, ${counts.skipped} skipped in ${ranSuites.length} suite(s)${noGo ? `; NO-GO after tier ${noGo.afterTier}` : ''}`;
  return { verdict, reason, counts, passRate: passRate(counts) };
}

/** The playbook's quarantine applied to `suites` (null when it has none): needs each test's health. */
function quarantineOf(ctx: RunContext, suites: readonly SuiteResult[]): QuarantineData | null {
  if (ctx.playbook.quarantine.length === 0) return null;
  const health = testHealth(ctx.runId, suites, ctx.testHistory, ctx.playbook.flaky);
  const byId = new Map(health.tests.map((t) => [t.id, t.health]));
  return applyQuarantine(
    ctx.playbook.quarantine,
    suites,
    {
      health: (id) => byId.get(id) ?? 'healthy',
      cleanRuns: (id, c) => cleanRuns(ctx.testHistory, id, outcomeCode(c)),
    },
    ctx.clock.now(),
    // The same hysteresis as closing an issue: that many clean runs and the entry is no longer needed.
    ctx.playbook.github?.closeAfter ?? 2,
  );
}

/**
 * The regression ranges of this run's failing tests (src/history/regression.ts), each with the code
 * changed across it (one git diff per range; a range git cannot diff is left out).
 */
async function regressionsOf(
  ctx: RunContext,
  results: readonly SuiteResult[],
  health: NonNullable<RunTestsData['health']>,
): Promise<Regression[]> {
  const unhealthy = new Set(health.tests.map((t) => t.id));
  const { commit, dirty } = ctx.record.repo;
  const ranges = regressionRanges(results, ctx.testHistory, commit, unhealthy, dirty !== false);
  if (ranges.length === 0) return [];
  const repo = ctx.playbook.repoDir;
  // tdl's own folders may be committed (worklogs are shared): what it wrote is not a change of code.
  const skipDirs = [ctx.playbook.worklogDir, ctx.paths.stateDir]
    .map((d) => relative(repo, d).split('\\').join('/'))
    .filter((d) => d !== '' && !d.startsWith('..') && !isAbsolute(d));
  const changes = await Promise.all(
    ranges.map((r) => ctx.ports.git.codeChange(repo, r.from, r.to, (p) => isCodePath(p, skipDirs))),
  );
  return ranges.flatMap((r, i) => {
    const change = changes[i];
    return change ? [{ from: r.from, to: r.to, ...change, tests: r.tests }] : [];
  });
}

export const runTestsPhase: Phase<RunTestsData> = {
  id: 'run-tests',
  title: 'Test execution',
  render: renderRunTests,
  dataSchema: runTestsDataSchema,
  safeInDryRun: false,
  needs: ['select-tests'],
  async plan(ctx) {
    const suites = selectedSuites(ctx);
    // The first attempt's command; its report folder's token is drawn when it starts.
    const planned = suites.map((s) => ({
      id: s.id,
      tier: s.tier,
      command: expandAll(
        wholeSuiteCommand(s, s.cwd ? resolve(ctx.playbook.repoDir, s.cwd) : ctx.playbook.repoDir),
        { reportDir: attemptReportDir(ctx.paths.reportDir, s.id, 1, '<token>'), runId: ctx.runId },
      ),
    }));
    return {
      state: 'skipped',
      reason: `dry run: would run ${planned.length} suite(s) in ${new Set(planned.map((p) => p.tier)).size} tier(s)`,
      data: { tiers: [], suites: [], counts: countCases([]), passRate: null, noGo: null, planned },
    };
  },
  async run(ctx): Promise<PhaseOutcome<RunTestsData>> {
    const suites = selectedSuites(ctx);
    const tiers = [...new Set(suites.map((s) => s.tier))].sort((a, b) => a - b);
    const results: SuiteResult[] = [];
    const tierResults: TierResult[] = [];
    let noGo: RunTestsData['noGo'] = null;

    for (const tier of tiers) {
      const inTier = suites.filter((s) => s.tier === tier);
      const gateConfig = ctx.playbook.gates.find((g) => g.afterTier === tier);
      if (noGo || ctx.signal.aborted) {
        const reason = noGo
          ? `NO-GO: the gate after tier ${noGo.afterTier} did not pass (${noGo.reason})`
          : 'interrupted';
        const skipped = inTier.map((s) => skippedSuite(s, reason));
        results.push(...skipped);
        tierResults.push({
          tier,
          state: noGo ? 'skipped' : 'cancelled',
          reason,
          suites: inTier.map((s) => s.id),
          counts: countCases([]),
          passRate: null,
          gate: null,
        });
        continue;
      }
      ctx.logger.info({ tier, suites: inTier.length }, `tier ${tier}: running ${inTier.length} suite(s)`);
      const raw = await mapLimit(inTier, ctx.playbook.concurrency, (s) => runSuite(ctx, s));
      // Quarantined failures are reported but not counted by the suite's verdict and the gate.
      const kept = notCountedBySuite(quarantineOf(ctx, raw) ?? { entries: [], failures: [], notCounted: 0 });
      const ran = raw.map((s) => withQuarantine(s, kept.get(s.id)));
      results.push(...ran);
      const counts = addCounts(...ran.map((r) => r.counts));
      const gate = gateConfig ? evaluateGate(ran, gateConfig) : null;
      if (gate)
        ctx.logger.info(
          { tier, verdict: gate.verdict },
          `gate after tier ${tier}: ${gate.verdict}: ${gate.reason}`,
        );
      if (gate && gate.verdict !== 'pass') noGo = { afterTier: tier, reason: gate.reason };
      tierResults.push({
        tier,
        state: ran.some((r) => r.state === 'cancelled') ? 'cancelled' : 'completed',
        suites: inTier.map((s) => s.id),
        counts,
        passRate: passRate(counts),
        gate,
      });
    }

    const { verdict, reason, counts, passRate: rate } = rollUp(results, tierResults, noGo);
    const quarantine = quarantineOf(ctx, results);
    const health = testHealth(ctx.runId, results, ctx.testHistory, ctx.playbook.flaky);
    const regressions = counts.failed + counts.errored > 0 ? await regressionsOf(ctx, results, health) : [];
    return {
      state: ctx.signal.aborted ? 'cancelled' : 'completed',
      verdict,
      reason: `${reason}${quarantine?.notCounted ? `; ${quarantine.notCounted} quarantined failure(s) not counted` : ''}`,
      data: {
        tiers: tierResults,
        suites: results,
        counts,
        passRate: rate,
        noGo,
        health,
        policy: policyOf(ctx.playbook),
        ...(quarantine ? { quarantine } : {}),
        ...(regressions.length ? { regressions } : {}),
      },
      findings: [
        ...results.flatMap((r) => r.findings),
        ...(quarantine ? quarantineFindings(quarantine) : []),
      ],
    };
  },
};
