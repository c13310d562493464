/**
 * `tdl run --executor local --shards N`: the sharded protocol with every shard a local process. Plan
 * once, then per tier start N `tdl run --plan … --tier T --shard i/N` processes at once, merge their
 * partials, stop at a NO-GO, and finish (phases 3-6) once. The same files pass between the steps as
 * between the jobs of a GitHub Actions workflow, so this is how the protocol is tested end to end.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProcessPort } from '../adapters/process/index.js';
import type { RunOptions, RunRecord } from '../core/record.js';
import type { SessionOptions } from '../pipeline/session.js';
import type { Playbook } from '../playbook/load.js';
import { runPlanned, shardTimeout } from './executor.js';
import { partialName } from './shard-run.js';

/** The tdl command line to start shards with, from the bundle (dist/cli/) or tsc's output. */
function cliMain(): string {
  const beside = fileURLToPath(new URL('./main.cjs', import.meta.url));
  return existsSync(beside) && beside.includes(`${'/cli/'}`)
    ? beside
    : fileURLToPath(new URL('../cli/main.cjs', import.meta.url));
}

export function runLocal(
  playbook: Playbook,
  options: RunOptions,
  shards: number,
  session: SessionOptions,
): Promise<RunRecord> {
  const processes = createProcessPort();
  return runPlanned(playbook, options, shards, session, {
    async runTier(tier, { plan, planFile, runDir, cwd }) {
      session.humanLog?.write(`tdl: tier ${tier.tier}: ${shards} shard(s), ${tier.chunks.length} chunk(s)\n`);
      const files = await Promise.all(
        tier.shards.map(async (s) => {
          const out = join(runDir, 'partials', partialName(tier.tier, { index: s.index, count: shards }));
          await processes.run(
            [
              process.execPath,
              cliMain(),
              'run',
              '--plan',
              planFile,
              '--tier',
              String(tier.tier),
              '--shard',
              `${s.index}/${shards}`,
              '--out',
              out,
              '-p',
              playbook.file,
            ],
            {
              cwd,
              env: { TDL_SHARD_OF: plan.runId },
              timeoutMs: shardTimeout(playbook),
              logFile: join(runDir, 'shards', `tier-${tier.tier}-shard-${s.index}.log`),
              ...(session.signal ? { signal: session.signal } : {}),
            },
          );
          // The exit code says pass or fail of its suites; whether it reported at all is the merge's
          // question (a shard that died left no partial, and its chunks are missing).
          return out;
        }),
      );
      return { files: files.filter((f) => existsSync(f)) };
    },
  });
}
