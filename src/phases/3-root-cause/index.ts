/**
 * Phase 3 root-cause: cluster the failing tests by signature, build each cluster's evidence chain,
 * and, when `analyzer.command` is set, hand each cluster to it and keep its markdown.
 */
import { join } from 'node:path';
import { clustersOfTests } from '../../clustering/cluster.js';
import { SIGNATURE_VERSION } from '../../clustering/signature.js';
import { traceparentForRun } from '../../core/ids.js';
import { phaseResult } from '../../phase-data/index.js';
import {
  type ClusterAnalysis,
  type FailureCluster,
  type RootCauseData,
  rootCauseDataSchema,
} from '../../phase-data/root-cause.js';
import { expandAll } from '../../playbook/placeholders.js';
import type { RunContext } from '../context.js';
import type { Phase, PhaseOutcome } from '../phase.js';
import { revisionLogLinks } from './deployment.js';
import { deploymentEvidence } from './deployment-read.js';
import { evidenceChain, issueLookup } from './evidence.js';
import { renderRootCause } from './section.js';

/** Clusters handed to the analyzer in one run at most (it may be a slow agent). */
const MAX_ANALYZED = 10;
const MAX_ANALYSIS_CHARS = 20_000;

async function analyze(ctx: RunContext, cluster: FailureCluster): Promise<ClusterAnalysis | undefined> {
  const analyzer = ctx.playbook.analyzer;
  if (!analyzer) return undefined;
  const argv = expandAll(analyzer.command, { reportDir: ctx.paths.reportDir, runId: ctx.runId });
  const logFile = join(ctx.paths.runDir, `analyzer-${cluster.id}.log`);
  const { analysis: _none, ...input } = cluster;
  const r = await ctx.ports.process.run(argv, {
    cwd: ctx.playbook.repoDir,
    env: {
      TDL_RUN_ID: ctx.runId,
      TDL_PHASE: 'root-cause',
      TDL_CLUSTER_ID: cluster.id,
      TRACEPARENT: traceparentForRun(ctx.runId),
    },
    timeoutMs: analyzer.timeout,
    logFile,
    signal: ctx.signal,
    // What goes to another program leaves the process: through the one redaction point.
    input: JSON.stringify(ctx.redactor.redactDeep(input), null, 2),
  });
  const markdown = r.spawnError ? `(could not start: ${r.spawnError})` : r.outputTail.trim();
  return {
    command: argv,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    markdown:
      markdown.length > MAX_ANALYSIS_CHARS
        ? `${ctx.redactor.clip(markdown, MAX_ANALYSIS_CHARS)}\n…(cut)`
        : ctx.redactor.redact(markdown),
    logFile,
  };
}

export const rootCausePhase: Phase<RootCauseData> = {
  id: 'root-cause',
  title: 'Root cause analysis',
  render: renderRootCause,
  dataSchema: rootCauseDataSchema,
  safeInDryRun: true,
  needs: ['run-tests'],
  async run(ctx): Promise<PhaseOutcome<RootCauseData>> {
    const tests = phaseResult(ctx.record, 'run-tests')?.data;
    const clusters = clustersOfTests(tests, ctx.playbook.repoDir);
    const failingTests = clusters.reduce((n, c) => n + c.tests.length, 0);
    // One listing of GitHub issues for all clusters (none when nothing failed), while the tested
    // revisions' logs and metrics are read.
    const [lookup, deployment] = await Promise.all([
      clusters.length ? issueLookup(ctx) : { why: 'no failing test' },
      deploymentEvidence(ctx, clusters),
    ]);
    for (const cluster of clusters) {
      if (ctx.signal.aborted) break;
      cluster.evidence = await evidenceChain(ctx, cluster, lookup);
      if (deployment) cluster.evidence.push(...revisionLogLinks(cluster, deployment.correlated));
    }
    for (const cluster of clusters.slice(0, MAX_ANALYZED)) {
      if (ctx.signal.aborted) break;
      const analysis = await analyze(ctx, cluster);
      if (analysis) cluster.analysis = analysis;
    }
    ctx.logger.info({ clusters: clusters.length, failingTests }, `${clusters.length} cluster(s)`);
    return {
      state: ctx.signal.aborted ? 'cancelled' : 'completed',
      reason: failingTests
        ? `${failingTests} failing test(s) in ${clusters.length} cluster(s)`
        : 'no failing test: nothing to cluster',
      data: {
        signatureVersion: SIGNATURE_VERSION,
        clusters,
        failingTests,
        ...(deployment ? { deployment } : {}),
      },
      findings:
        ctx.playbook.analyzer && clusters.length > MAX_ANALYZED
          ? [
              {
                kind: 'analyzer-limit',
                severity: 'info',
                message: `the analyzer ran on the ${MAX_ANALYZED} largest of ${clusters.length} clusters`,
              },
            ]
          : [],
    };
  },
};
