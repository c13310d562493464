/** `tdl publish <runId>`: send a run's outbox to GitHub, idempotently (the same code path as a direct run). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GitBranchOps } from '../../adapters/git/branch.js';
import type { GitHubPort } from '../../adapters/github/port.js';
import { findToken } from '../../adapters/github/token.js';
import { UsageError } from '../../core/errors.js';
import { isRunId } from '../../core/ids.js';
import type { ActionResult, PublishOutcome } from '../../phase-data/publish.js';
import { acquireRunLock } from '../../services/lock.js';
import { Redactor } from '../../telemetry/redact.js';
import { openRun } from '../../worklog/run-folder.js';
import { applyDrafts, dryRun } from './apply.js';
import { readOutbox, writeSent } from './outbox.js';

export interface SendInput {
  runId: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  dryRun: boolean;
  /** Makes the GitHub port (default: the octokit adapter). */
  github?: (drafts: ReturnType<typeof readOutbox>, token: string) => Promise<GitHubPort>;
  git?: GitBranchOps;
  log?: (line: string) => void;
}

export interface SendResult {
  runDir: string;
  outcome: PublishOutcome | null;
  planned: ActionResult[] | null;
  redactor: Redactor;
}

export async function sendOutbox(input: SendInput): Promise<SendResult> {
  if (!isRunId(input.runId))
    throw new UsageError('ERUNID', `"${input.runId}" is not a run id (expected tdl-YYYYMMDD-HHMMSS-xxxxxx)`);
  const runDir = join(input.stateDir, 'runs', input.runId);
  if (!existsSync(runDir))
    throw new UsageError(
      'ENORUN',
      `no run ${input.runId} under ${input.stateDir}`,
      'run tdl publish from the folder the run was started in',
    );
  const drafts = readOutbox(runDir);
  // The run's record, checked (a torn one is a clear usage error, not a crash); an outbox without one
  // has no redact.env names to add.
  const redactEnv = existsSync(join(runDir, 'record.json'))
    ? openRun(input.runId, input.stateDir).redactEnv
    : [];
  const found = await findToken(input.env);
  if (!found)
    throw new UsageError(
      'ENOTOKEN',
      'tdl publish needs a GitHub token: none in GITHUB_TOKEN, GH_TOKEN or `gh auth token`',
      'set GITHUB_TOKEN (with issues and pull requests write access to the repository)',
    );
  const redactor = Redactor.fromEnv(redactEnv, input.env).with([found.token]);
  const makePort =
    input.github ??
    (async (d, token) => {
      const { createGitHubPort } = await import('../../adapters/github/index.js');
      return createGitHubPort(d.github, { env: input.env, token });
    });
  const gh = await makePort(drafts, found.token);
  const log = input.log ?? (() => {});
  if (input.dryRun) {
    const planned = await dryRun(drafts, gh);
    for (const p of planned) log(`would ${p.action}`);
    return { runDir, outcome: null, planned, redactor };
  }
  let git = input.git;
  if (!git && drafts.pull) git = (await import('../../adapters/git/index.js')).createGitPort();
  // The same lock as runs: two `tdl publish` of one outbox (or a publish during a run) take turns,
  // so the second finds what the first filed instead of filing it again.
  const lock = await acquireRunLock({
    stateDir: input.stateDir,
    runId: input.runId,
    wait: true,
    onWait: (h) => log(`waiting for run ${h.runId} (pid ${h.pid} on ${h.host}) to release ${input.stateDir}`),
  });
  try {
    if (lock.tookOverFrom)
      log(`took over a lock left by a process that is gone (${lock.tookOverBecause ?? 'not running'})`);
    const outcome = await applyDrafts(drafts, { gh, git: git ?? null, log });
    writeSent(runDir, outcome, redactor);
    return { runDir, outcome, planned: null, redactor };
  } finally {
    lock.release();
  }
}
