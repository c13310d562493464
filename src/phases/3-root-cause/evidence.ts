/**
 * The evidence chain of a cluster: each link says where it comes from; a link that cannot be
 * established is shown as unknown with the reason, never guessed.
 */

import type { GhIssue } from '../../adapters/github/port.js';
import { clustersFor } from '../../clustering/cluster.js';
import type { ServiceStatus } from '../../phase-data/deploy-status.js';
import { phaseResult } from '../../phase-data/index.js';
import type { EvidenceLink, FailureCluster } from '../../phase-data/root-cause.js';
import { ageText, trafficText } from '../../services/cloud-run-text.js';
import { indexIssues, issueFingerprint } from '../../services/issue-markers.js';
import { readOpenIssues } from '../../services/open-issues.js';
import type { HistoryEntry } from '../../worklog/history.js';
import type { RunContext } from '../context.js';

const unknown = (kind: EvidenceLink['kind'], source: string, because: string): EvidenceLink => ({
  kind,
  value: null,
  source,
  unknownBecause: because,
});

async function lastChange(ctx: RunContext, cluster: FailureCluster): Promise<EvidenceLink> {
  const source = 'git blame of the top project frame';
  const m = cluster.location ? /^(.*):(\d+)$/.exec(cluster.location) : null;
  if (!m) return unknown('last-change', source, 'no stack frame inside the repository');
  const origin = await ctx.ports.git.lineOrigin(ctx.playbook.repoDir, m[1]!, Number(m[2]));
  if (!origin) return unknown('last-change', source, `git cannot blame ${cluster.location}`);
  if (!origin.commit) return unknown('last-change', source, `${cluster.location} has uncommitted changes`);
  return {
    kind: 'last-change',
    value: `${origin.commit.slice(0, 12)} ${origin.authorDate ?? 'unknown date'} "${origin.subject ?? ''}"${origin.author ? ` by ${origin.author}` : ''}`,
    source: `git blame -L ${m[2]},${m[2]} -- ${m[1]}`,
  };
}

/** The oldest earlier run whose clusters include this one, or null. */
export function firstFailedIn(history: readonly HistoryEntry[], clusterId: string): HistoryEntry | null {
  let first: HistoryEntry | null = null;
  // History is newest first; the last match is the oldest.
  for (const h of history) if (clustersFor(h.record).some((c) => c.id === clusterId)) first = h;
  return first;
}

/** One service as phase 0 saw it: the revision tested, its age then, and where traffic went. */
export function revisionText(s: ServiceStatus): string {
  const tested = s.target?.revision ?? s.latestReadyRevision;
  if (!tested) return `${s.name}: no ready revision (${s.reason})`;
  const age = (rev: string) =>
    rev === s.latestReadyRevision && typeof s.readyAgeMs === 'number'
      ? `${ageText(s.readyAgeMs)} old then${s.readyCreateTime ? `, created ${s.readyCreateTime}` : ''}`
      : 'age not recorded by phase 0';
  const parts = [`${s.name}: ${tested} (${age(tested)})`];
  if (s.target?.via === 'tag') parts.push('through its tag');
  if (s.traffic?.length) parts.push(`traffic ${trafficText(s.traffic)}`);
  if (s.latestReadyRevision && s.latestReadyRevision !== tested)
    parts.push(
      `latest ready ${s.latestReadyRevision} (${age(s.latestReadyRevision)}) was not the one tested`,
    );
  return parts.join(', ');
}

function deployedRevision(ctx: RunContext, first: HistoryEntry | null): EvidenceLink {
  const source = `phase 0 of ${first ? `run ${first.record.runId}` : 'this run'}`;
  if (ctx.playbook.services.length === 0)
    return unknown('deployed-revision', 'phase 0', 'no services in the playbook');
  const p = phaseResult(first?.record ?? ctx.record, 'deploy-status');
  const services = p?.data?.services;
  if (p?.state !== 'completed' || !services?.length)
    return unknown(
      'deployed-revision',
      source,
      `phase 0 ${p ? p.state : 'did not run'}${p?.reason ? `: ${p.reason}` : ''}`,
    );
  const where = [
    p.data?.target ? `Cloud Run ${p.data.target}` : '',
    p.data?.checkedAt ? `checked ${p.data.checkedAt}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'deployed-revision',
    value: services.map(revisionText).join('; '),
    source: where ? `${source} (${where})` : source,
  };
}

/** Open issues by fingerprint, read once per phase-3 run; or why they could not be read. */
export type IssueLookup = { byFingerprint: Map<string, GhIssue>; source: string } | { why: string };

export async function issueLookup(ctx: RunContext): Promise<IssueLookup> {
  const read = await readOpenIssues(ctx);
  if (read.issues === null) return { why: read.why };
  const byFingerprint = new Map<string, GhIssue>();
  for (const [fp, [first]] of indexIssues(read.issues)) byFingerprint.set(fp, first.issue);
  return { byFingerprint, source: read.source };
}

function githubIssue(ctx: RunContext, cluster: FailureCluster, lookup: IssueLookup): EvidenceLink {
  const where = ctx.playbook.github ? `GitHub ${ctx.playbook.github.repo}` : 'GitHub';
  if ('why' in lookup) return unknown('github-issue', where, lookup.why);
  const fingerprint = issueFingerprint(ctx.record.playbook.name, cluster.signature);
  const issue = lookup.byFingerprint.get(fingerprint);
  const source = `${lookup.source}, marker \`tdl:fingerprint=${fingerprint}\``;
  if (!issue)
    return unknown(
      'github-issue',
      source,
      'no open issue carried this fingerprint before phase 6 of this run',
    );
  return { kind: 'github-issue', value: `#${issue.number} ${issue.title}`, source, href: issue.url };
}

export async function evidenceChain(
  ctx: RunContext,
  cluster: FailureCluster,
  lookup: IssueLookup,
): Promise<EvidenceLink[]> {
  const firstTest = cluster.tests[0]!;
  const first = firstFailedIn(ctx.history, cluster.id);
  const firstLink: EvidenceLink = first
    ? {
        kind: 'first-failed',
        value: `run ${first.record.runId} (${first.record.startedAt})`,
        source: `worklog history (${ctx.history.length} earlier run(s))`,
        ...(first.record.worklog ? { href: first.record.worklog.markdown } : {}),
      }
    : {
        kind: 'first-failed',
        value: `this run (${ctx.record.runId})`,
        source: `worklog history: not in ${ctx.history.length} earlier run(s)`,
      };
  return [
    {
      kind: 'assertion',
      value: `${cluster.exceptionType ? `${cluster.exceptionType}: ` : ''}${cluster.message}`,
      source: `report of suite \`${firstTest.suiteId}\`, test "${firstTest.name}"`,
    },
    cluster.location
      ? { kind: 'frame', value: cluster.location, source: 'top stack frame inside the repository' }
      : unknown(
          'frame',
          'stack trace',
          cluster.stack ? 'no frame inside the repository' : 'the report has no stack',
        ),
    await lastChange(ctx, cluster),
    firstLink,
    deployedRevision(ctx, first),
    githubIssue(ctx, cluster, lookup),
  ];
}
