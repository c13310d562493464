/**
 * Where this run's GitHub work goes (GitHub or the outbox) and the token found for it. Phase 6
 * publishes by it; phases 1 and 3 read GitHub only when it says `github`, so every phase agrees on
 * when tdl talks to GitHub and the token is looked up by one rule.
 */
import { type FoundToken, findToken } from '../adapters/github/token.js';
import type { RunOptions } from '../core/record.js';
import type { PublishTarget } from '../phase-data/publish.js';
import type { Playbook } from '../playbook/load.js';

export type GitHubTarget =
  | { target: PublishTarget; reason: string; found: FoundToken | null }
  /** No GitHub work this run: publishing disabled, no `github` section, or a token required and missing. */
  | { target: null; reason: string; found: null; missingToken?: true };

/** What the target is decided from: the run's options, the playbook and the environment. */
export interface TargetInput {
  options: RunOptions;
  playbook: Playbook;
  env: NodeJS.ProcessEnv;
}

export async function githubTarget(ctx: TargetInput): Promise<GitHubTarget> {
  const { options, playbook } = ctx;
  if (options.publish === 'none')
    return { target: null, reason: 'publishing disabled (--publish none)', found: null };
  if (!playbook.github) return { target: null, reason: 'no github section in the playbook', found: null };
  if (options.publish === 'outbox') return { target: 'outbox', reason: '--publish outbox', found: null };
  const found = await findToken(ctx.env);
  if (found)
    return {
      target: 'github',
      reason: `${options.publish === 'github' ? '--publish github' : 'default'}; token from ${found.source}`,
      found,
    };
  if (options.publish === 'github')
    return {
      target: null,
      reason: '--publish github needs a GitHub token: none in GITHUB_TOKEN, GH_TOKEN or `gh auth token`',
      found: null,
      missingToken: true,
    };
  return {
    target: 'outbox',
    reason: 'default; no GitHub token found (GITHUB_TOKEN, GH_TOKEN, gh auth token)',
    found: null,
  };
}
