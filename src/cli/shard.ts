/** The sharded forms of `tdl run` (one shard of a plan; a local executor) and `tdl merge`. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, UsageError } from '../core/errors.js';
import { printHuman, printJson } from '../telemetry/outlet.js';
import { Redactor } from '../telemetry/redact.js';
import { parsePositiveInt, parsePublish } from './options.js';
import { INTERRUPT_SIGNALS } from './terminal.js';

export interface ShardedRunFlags {
  playbook?: string;
  focus: string;
  publish?: string;
  json?: boolean;
  plan?: string;
  tier?: string;
  shard?: string;
  out?: string;
  executor?: string;
  shards?: string;
  job?: string;
  deploy?: boolean;
  dryRun?: boolean;
  untilGreen?: boolean;
  only?: string;
  wait?: boolean;
}

/** Options of an unsharded `tdl run` that a sharded one does not take (said, never ignored). */
const UNSHARDED_ONLY: [keyof ShardedRunFlags, string][] = [
  ['deploy', '--deploy'],
  ['dryRun', '--dry-run'],
  ['untilGreen', '--until-green'],
  ['only', '--only'],
  ['wait', '--wait'],
];

/** Aborts on the interrupt signals while `fn` runs (a shard then writes a `cancelled` partial). */
async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = INTERRUPT_SIGNALS.map((s) => {
    const h = () => controller.abort(s);
    process.on(s, h);
    return [s, h] as const;
  });
  try {
    return await fn(controller.signal);
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}

/**
 * `--plan gs://…` and `--out gs://…`: the plan downloaded to a scratch file, and how to upload the
 * partial (into the folder when `--out` ends in `/`). The Cloud Storage endpoint of an emulator comes
 * from TDL_GCS_ENDPOINT (the coordinator passes it to its tasks); otherwise ADC. Null when neither
 * names Cloud Storage.
 */
async function remoteShardFiles(
  plan: string,
  out: string | undefined,
): Promise<{
  planFile: string | null;
  out: boolean;
  upload(file: string): Promise<void>;
  cleanup(): void;
} | null> {
  if (!plan.startsWith('gs://') && !out?.startsWith('gs://')) return null;
  const { createGcsPort, parseGcsUrl } = await import('../adapters/gcs/index.js');
  const where = (text: string, option: string) => {
    const url = parseGcsUrl(text);
    if (!url || (option === '--plan' && !url.name))
      throw new UsageError('EOPTION', `${option} ${text}: expected gs://<bucket>/<object name>`);
    return url;
  };
  const planUrl = plan.startsWith('gs://') ? where(plan, '--plan') : null;
  const outUrl = out?.startsWith('gs://') ? where(out, '--out') : null;
  const gcs = await createGcsPort(process.env.TDL_GCS_ENDPOINT || undefined);
  let planFile: string | null = null;
  if (planUrl) {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    planFile = join(mkdtempSync(join(tmpdir(), 'tdl-plan-')), 'plan.json');
    await gcs.download(planUrl, planFile);
  }
  return {
    planFile,
    out: outUrl !== null,
    cleanup() {
      if (planFile) rmSync(dirname(planFile), { recursive: true, force: true });
    },
    async upload(file) {
      if (!outUrl) return;
      const { basename } = await import('node:path');
      const name =
        outUrl.name === '' || outUrl.name.endsWith('/') ? `${outUrl.name}${basename(file)}` : outUrl.name;
      await gcs.upload(file, { bucket: outUrl.bucket, name });
    },
  };
}

export function parseTier(value: string | undefined): number {
  if (value === undefined)
    throw new UsageError('ETIER', '--tier is required with --plan (the tier to run or merge)');
  return parsePositiveInt('--tier', value, 1);
}

export async function runSharded(flags: ShardedRunFlags): Promise<void> {
  if (flags.plan && (flags.executor || flags.shards !== undefined))
    throw new UsageError(
      'EOPTION',
      '--plan runs one shard; --executor/--shards run the whole plan: use one of them',
    );
  // A sharded run never drops an option silently: --dry-run would otherwise run the suites for real.
  for (const [key, option] of UNSHARDED_ONLY)
    if (flags[key])
      throw new UsageError(
        'EOPTION',
        `${option} is not available in a sharded run (${flags.plan ? '--plan' : '--executor/--shards'}): run without sharding for it`,
      );
  if (flags.plan) {
    const { parseShard } = await import('../shard/document.js');
    const { runShard } = await import('../shard/shard-run.js');
    const tier = parseTier(flags.tier);
    const shard = flags.shard ? parseShard(flags.shard) : null;
    // A Cloud Run Jobs task: the plan comes from Cloud Storage and the partial goes back there.
    const remote = await remoteShardFiles(flags.plan, flags.out);
    const { partial, file, exitCode } = await withSignals((signal) =>
      runShard(
        {
          planFile: remote?.planFile ?? flags.plan!,
          tier,
          shard,
          ...(flags.out && !remote?.out ? { out: flags.out } : {}),
          ...(flags.playbook ? { playbook: flags.playbook } : {}),
        },
        { signal },
      ),
    ).finally(() => remote?.cleanup());
    if (remote?.out) await remote.upload(file);
    const summary = {
      file,
      runId: partial.runId,
      tier: partial.tier,
      shard: partial.shard,
      state: partial.state,
      wallMs: partial.wallMs,
      chunks: partial.chunks.map((c) => {
        const s = c.suite as unknown as { verdict: string; reason?: string; counts: unknown };
        return { id: c.id, verdict: s.verdict, reason: s.reason, counts: s.counts };
      }),
    };
    const none = new Redactor();
    if (flags.json) printJson(summary, none);
    else
      printHuman(
        [
          `Shard ${partial.shard.index}/${partial.shard.count} of tier ${partial.tier} (run ${partial.runId}): ${partial.state}`,
          ...summary.chunks.map((c) => `  ${c.id}: ${c.verdict}${c.reason ? ` — ${c.reason}` : ''}`),
          `  Partial: ${file}`,
        ].join('\n'),
        none,
      );
    process.exitCode = exitCode;
    return;
  }
  // --shards alone runs the shards as local processes.
  const executor = flags.executor ?? 'local';
  if (executor !== 'local' && executor !== 'cloud-run-jobs')
    throw new UsageError(
      'EEXECUTOR',
      `--executor is set as "${flags.executor}"; valid values are local, cloud-run-jobs`,
    );
  if (executor === 'cloud-run-jobs' && !flags.job)
    throw new UsageError(
      'EEXECUTOR',
      '--executor cloud-run-jobs needs --job <name>: the Cloud Run job whose tasks run the shards',
    );
  if (executor === 'local' && flags.job)
    throw new UsageError(
      'EEXECUTOR',
      '--job is for --executor cloud-run-jobs; the local executor runs shards as processes',
    );
  const shards = parsePositiveInt('--shards', flags.shards, 2);
  const options = {
    focus: flags.focus,
    deploy: false,
    dryRun: false,
    publish: parsePublish(flags.publish),
    only: null,
    untilGreen: false,
    maxIterations: 1,
  };
  const { runWithTerminal } = await import('./terminal.js');
  await runWithTerminal(Boolean(flags.json), async (session) => {
    const { locatePlaybook, loadPlaybook } = await import('../playbook/load.js');
    const playbook = loadPlaybook(locatePlaybook(flags.playbook));
    if (executor === 'cloud-run-jobs') {
      const { runCloudRunJobs } = await import('../shard/cloud-run-jobs.js');
      return runCloudRunJobs(playbook, options, shards, flags.job!, session);
    }
    const { runLocal } = await import('../shard/local.js');
    return runLocal(playbook, options, shards, session);
  });
}

export interface MergeFlags {
  plan?: string;
  tier?: string;
  finish?: boolean;
  playbook?: string;
  publish?: string;
  out?: string;
  json?: boolean;
}

export async function runMerge(files: string[], flags: MergeFlags): Promise<void> {
  if (!flags.plan)
    throw new UsageError('EPLAN', '--plan <file> is required: the plan the partials were run from');
  if (flags.finish) {
    const publish = parsePublish(flags.publish);
    const { runWithTerminal } = await import('./terminal.js');
    const { finishFromFiles } = await import('../shard/finish.js');
    await runWithTerminal(Boolean(flags.json), (session) =>
      finishFromFiles(
        flags.plan!,
        files,
        { publish, ...(flags.playbook ? { playbook: flags.playbook } : {}) },
        session,
      ),
    );
    return;
  }
  const tier = parseTier(flags.tier);
  const { mergeTierFiles } = await import('../shard/finish.js');
  const { tierSummary } = await import('../shard/summary.js');
  const { plan, merge } = mergeTierFiles(
    flags.plan,
    tier,
    files,
    flags.playbook ? { playbook: flags.playbook } : {},
  );
  const summary = tierSummary(plan, merge);
  const none = new Redactor();
  if (flags.out) {
    const { writeJsonAtomic } = await import('../telemetry/outlet.js');
    writeJsonAtomic(flags.out, summary, none);
  }
  if (flags.json) printJson(summary, none);
  else {
    const { renderTierSummary } = await import('../shard/summary.js');
    printHuman(renderTierSummary(summary), none);
  }
  process.exitCode = merge.go ? EXIT.ok : EXIT.defer;
}
