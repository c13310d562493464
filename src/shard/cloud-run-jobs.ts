/**
 * `tdl run --executor cloud-run-jobs --job <name> --shards N`: the sharded protocol with Cloud Run
 * Jobs as the engine. Plan once and put the plan in Cloud Storage; per tier, run the job with
 * `taskCount: N` and args that make each task `tdl run --plan gs://… --tier T --out gs://…/partials/`
 * (a task's shard comes from CLOUD_RUN_TASK_INDEX/COUNT), wait for the execution, bring the partials
 * back, merge and gate, then finish once (phases 3-6) like the local executor.
 *
 * The job is yours: its container runs tdl (entrypoint `tdl`, or `npx tdl`) in a checkout of the
 * repository at the commit under test, with the playbook; tdl only overrides its args, task count and
 * env. Tasks that failed or were retried are findings of phase 2; a task that wrote no partial leaves
 * its chunks missing, which makes its tier inconclusive (never a pass).
 */
import { join } from 'node:path';
import { createJobsPort, type ExecutionState, type JobsPort } from '../adapters/cloudrun/jobs.js';
import { createGcsPort } from '../adapters/gcs/index.js';
import { UsageError } from '../core/errors.js';
import type { Finding, RunOptions, RunRecord } from '../core/record.js';
import type { SessionOptions } from '../pipeline/session.js';
import type { Playbook } from '../playbook/load.js';
import { runPlanned, shardTimeout } from './executor.js';
import { partialName } from './shard-run.js';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Polls an execution until it is done, the deadline passes or the run is interrupted. */
async function waitFor(
  jobs: JobsPort,
  name: string,
  intervalMs: number,
  deadline: number,
  signal?: AbortSignal,
): Promise<ExecutionState | null> {
  let last: ExecutionState | null = null;
  let wait = intervalMs;
  while (!signal?.aborted) {
    last = await jobs.execution(name);
    if (last.done || Date.now() >= deadline) return last;
    await sleep(wait, signal);
    wait = Math.min(wait * 1.5, intervalMs * 8);
  }
  return last;
}

function executionFindings(tier: number, e: ExecutionState | null, execution: string): Finding[] {
  const short = execution.split('/').pop();
  if (!e)
    return [
      {
        kind: 'job-execution',
        severity: 'error',
        message: `tier ${tier}: execution ${short} was not followed to its end (interrupted)`,
      },
    ];
  const out: Finding[] = [];
  if (!e.done)
    out.push({
      kind: 'job-execution',
      severity: 'error',
      message: `tier ${tier}: execution ${short} still running at the deadline (${e.running} of ${e.taskCount} task(s))`,
    });
  if (e.failed || e.cancelled || e.retried)
    out.push({
      kind: 'job-tasks-failed',
      severity: 'warning',
      message: `tier ${tier}: execution ${short}: ${e.failed} of ${e.taskCount} task(s) failed, ${e.cancelled} cancelled, ${e.retried} retried${e.logUri ? `; logs: ${e.logUri}` : ''}`,
    });
  return out;
}

export async function runCloudRunJobs(
  playbook: Playbook,
  options: RunOptions,
  shards: number,
  job: string,
  session: SessionOptions,
): Promise<RunRecord> {
  const env = session.env ?? process.env;
  if (!playbook.gcp)
    throw new UsageError(
      'EEXECUTOR',
      `${playbook.file}: --executor cloud-run-jobs needs a gcp section (gcp: { project: <project>, region: <region> })`,
    );
  if (!playbook.gcs)
    throw new UsageError(
      'EEXECUTOR',
      `${playbook.file}: --executor cloud-run-jobs needs a gcs section (gcs: { bucket: <bucket> }) for the plan and the partials`,
    );
  const gcsEndpoint = env.TDL_GCS_ENDPOINT || playbook.gcs.endpoint;
  const [gcs, jobs] = await Promise.all([
    createGcsPort(gcsEndpoint),
    createJobsPort(playbook.gcp, env.TDL_CLOUDRUN_ENDPOINT),
  ]);
  const { bucket, prefix } = playbook.gcs;
  const { pollInterval } = playbook.gcp;
  const baseOf = (runId: string) => `${prefix}runs/${runId}/`;
  try {
    return await runPlanned(playbook, options, shards, session, {
      async prepare({ plan, planFile }) {
        await gcs.upload(planFile, { bucket, name: `${baseOf(plan.runId)}plan.json` });
      },
      async runTier(tier, { plan, runDir }) {
        const base = baseOf(plan.runId);
        const execution = await jobs.run(job, {
          taskCount: shards,
          args: [
            'run',
            '--plan',
            `gs://${bucket}/${base}plan.json`,
            '--tier',
            String(tier.tier),
            '--out',
            `gs://${bucket}/${base}partials/`,
          ],
          // The endpoint of a Cloud Storage emulator, when there is one; never a credential.
          env: { TDL_SHARD_OF: plan.runId, ...(gcsEndpoint ? { TDL_GCS_ENDPOINT: gcsEndpoint } : {}) },
        });
        session.humanLog?.write(
          `tdl: tier ${tier.tier}: job ${job}, execution ${execution.split('/').pop()}, ${shards} task(s), ${tier.chunks.length} chunk(s)\n`,
        );
        const state = await waitFor(
          jobs,
          execution,
          pollInterval,
          Date.now() + shardTimeout(playbook),
          session.signal,
        );
        // The partials this tier's tasks wrote; a task that failed before writing one left a gap.
        const there = new Set(await gcs.list(bucket, `${base}partials/tier-${tier.tier}-`));
        const files: string[] = [];
        for (const s of tier.shards) {
          const name = partialName(tier.tier, { index: s.index, count: shards });
          if (!there.has(`${base}partials/${name}`)) continue;
          const file = join(runDir, 'partials', name);
          await gcs.download({ bucket, name: `${base}partials/${name}` }, file);
          files.push(file);
        }
        return {
          files,
          findings: executionFindings(tier.tier, state, execution),
          note: state ? `${state.succeeded}/${state.taskCount} task(s) succeeded` : 'not followed',
        };
      },
    });
  } finally {
    await jobs.close();
  }
}
