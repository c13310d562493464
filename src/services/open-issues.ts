/**
 * Open GitHub issues carrying the playbook's first label, read through the GitHubPort. Phases 1 and
 * 3 read them for context; they read only when phase 6 would publish to GitHub (same target rule,
 * same token lookup), and a failed read is a note, never a failed phase.
 */
import type { GhIssue } from '../adapters/github/port.js';
import type { Ports } from '../adapters/index.js';
import { githubTarget, type TargetInput } from './github-target.js';

export type OpenIssuesRead =
  | { issues: GhIssue[]; repo: string; label: string; source: string }
  /** Not read (`why` says why: no github section, no token, a failed request…). */
  | { issues: null; why: string };

export async function readOpenIssues(
  ctx: TargetInput & { ports: Pick<Ports, 'github'> },
): Promise<OpenIssuesRead> {
  const github = ctx.playbook.github;
  if (!github) return { issues: null, why: 'no github section in the playbook' };
  const target = await githubTarget(ctx);
  if (target.target === 'outbox')
    return { issues: null, why: `this run publishes to the outbox, not GitHub (${target.reason})` };
  if (target.target !== 'github') return { issues: null, why: target.reason };
  const label = github.labels[0]!;
  try {
    const gh = await ctx.ports.github();
    const all = await gh.listIssues(label);
    return {
      issues: all.filter((i) => i.state === 'open'),
      repo: gh.repo,
      label,
      source: `GitHub ${gh.repo}, issues labelled \`${label}\` (token from ${target.found!.source})`,
    };
  } catch (error) {
    return { issues: null, why: `reading GitHub ${github.repo} failed: ${(error as Error).message}` };
  }
}
