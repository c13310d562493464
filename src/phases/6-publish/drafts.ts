/**
 * What phase 6 would publish, computed from the run record alone (pure): the route, the rule that
 * chose it, and every issue, comment and pull request text, redacted. This is what the outbox holds
 * and what `tdl publish` sends later.
 */
import { relative } from 'node:path';
import { clustersFor, describeChange } from '../../clustering/cluster.js';
import { failureText, projectFrames, SIGNATURE_VERSION } from '../../clustering/signature.js';
import type { RunRecord } from '../../core/record.js';
import type { Decision } from '../../core/states.js';
import { phaseResult } from '../../phase-data/index.js';
import type { Route } from '../../phase-data/publish.js';
import type { GitHubConfig } from '../../playbook/sections/github.js';
import type { TestCase } from '../../results/model.js';
import {
  issueFingerprint,
  issueMarkers,
  legacyTestHashes,
  masterFingerprint,
  playbookHash,
  prMarker,
  testHash,
} from '../../services/issue-markers.js';
import type { Redactor } from '../../telemetry/redact.js';
import { LINK_TITLES } from '../../worklog/evidence-links.js';
import { figures } from '../../worklog/figures.js';
import { table } from '../../worklog/markdown.js';
import { executiveSummary } from '../../worklog/render.js';
import { childBody, code, issueTitle, withFingerprint } from './bodies.js';

export const DRAFTS_SCHEMA_VERSION = 1;

export interface ChildDraft {
  fingerprint: string;
  title: string;
  /** Contains MASTER_REF where the master's number goes. */
  body: string;
  tier: number;
  tests: string[];
  /**
   * Every hash its tests may carry in an issue filed by an earlier version (current and legacy test
   * hashes): how an issue of an older signature version is mapped to this cluster.
   */
  matchTests?: string[];
}

export interface MasterDraft {
  fingerprint: string;
  title: string;
}

export interface PullDraft {
  branch: string;
  base: string;
  remote: string;
  repoDir: string;
  title: string;
  marker: string;
  summary: string;
  decisionTable: string;
}

export interface Drafts {
  schemaVersion: number;
  /** The signature version of the children's fingerprints (absent in outboxes of tdl 0.1.0: 1). */
  signatureVersion?: number;
  runId: string;
  playbook: { name: string; hash: string };
  github: GitHubConfig;
  route: Route;
  decision: Decision;
  /** Which rule chose the route, in words (for the worklog). */
  rule: string;
  worklog: string;
  /** One line of figures for the master issue. */
  summary: string;
  labels: string[];
  children: ChildDraft[];
  master: MasterDraft;
  /** Hashes of every test that passed in this run: an open issue whose tests all passed is resolved. */
  passed: string[];
  pull: PullDraft | null;
}

export interface GitFacts {
  branch: string | null;
  ahead: number | null;
  baseRef: string | null;
}

/** The decision, from phase 5 when it decided, else from the verdicts reached (the exit-code rule). */
export function decide(record: RunRecord): { decision: Decision; rule: string } {
  if (record.decision)
    return {
      decision: record.decision.decision,
      rule: `phase 5 decided ${record.decision.decision}${record.decision.reasons[0] ? `: ${record.decision.reasons[0]}` : ''}`,
    };
  const notGreen = record.phases.filter((p) => p.verdict && p.verdict !== 'pass');
  return notGreen.length
    ? {
        decision: 'defer',
        rule: `no decision from phase 5; verdicts not green (${notGreen.map((p) => `${p.id}: ${p.verdict}`).join(', ')}) → defer`,
      }
    : { decision: 'proceed', rule: 'no decision from phase 5; every verdict reached is pass → proceed' };
}

export function routeFor(decision: Decision, git: GitFacts, base: string): { route: Route; why: string } {
  if (decision === 'defer') return { route: 'defer', why: 'file or update issues' };
  if (git.branch && git.branch !== base && (git.ahead ?? 0) > 0)
    return {
      route: 'proceed-change',
      why: `branch ${git.branch} is ${git.ahead} commit(s) ahead of ${git.baseRef}`,
    };
  const why = !git.branch
    ? 'no branch checked out'
    : git.branch === base
      ? `on the base branch ${base}`
      : `branch ${git.branch} has no commit ahead of ${git.baseRef ?? base}`;
  return { route: 'proceed-no-change', why: `no change to propose (${why}): close resolved issues` };
}

/** Browser address of a file in the repository, when the worklog lives inside it. */
function worklogLink(record: RunRecord, github: GitHubConfig, htmlBase: string): string {
  if (!record.worklog) return 'not written';
  const rel = relative(record.repo.dir, record.worklog.markdown);
  const ref = record.repo.branch ?? record.repo.commit;
  if (rel.startsWith('..') || !ref) return code(record.worklog.markdown.split('/').slice(-2).join('/'));
  return `[${rel}](${htmlBase}/${github.repo}/blob/${encodeURI(ref)}/${encodeURI(rel)})`;
}

/** `https://github.com` for api.github.com, `https://host` for GitHub Enterprise's `/api/v3`. */
export function htmlBaseFor(apiUrl: string): string {
  if (/^https:\/\/api\.github\.com\/?$/.test(apiUrl)) return 'https://github.com';
  return apiUrl.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '');
}

function decisionTable(record: RunRecord): string {
  const stability = phaseResult(record, 'stability');
  if (stability?.data?.criteria?.length)
    return table(
      ['Criterion', 'Required', 'Verdict', 'Evidence'],
      stability.data.criteria.map((c) => [c.id, c.required ? 'yes' : 'no', c.verdict, c.evidence.join('; ')]),
    );
  return table(
    ['Phase', 'State', 'Verdict'],
    record.phases.filter((p) => p.id !== 'publish').map((p) => [p.id, p.state, p.verdict ?? '–']),
  );
}

export interface DraftInput {
  record: RunRecord;
  github: GitHubConfig;
  git: GitFacts;
  apiUrl: string;
  redactor: Redactor;
  /**
   * Whether a passing test counts toward resolving its issue (phase 6: it passed on the first
   * attempt in `github.closeAfter` consecutive runs and is not flaky or broken). Default: any pass.
   */
  resolves?: (suiteId: string, c: TestCase) => boolean;
}

export function buildDrafts({ record: raw, github, git, apiUrl, redactor, resolves }: DraftInput): Drafts {
  // Redacted before anything is slugged, cut or escaped: a title made from `ghp_…` would no longer match.
  const record = redactor.redactDeep(raw);
  const { decision, rule } = decide(record);
  const { route, why } = routeFor(decision, git, github.baseBranch);
  const name = record.playbook.name;
  const pbHash = playbookHash(name);
  const f = figures(record);
  const worklog = worklogLink(record, github, htmlBaseFor(apiUrl));
  const tests = phaseResult(record, 'run-tests')?.data;
  const passed = (tests?.suites ?? []).flatMap((s) =>
    s.cases
      .filter((c) => c.status === 'passed' && (resolves ? resolves(s.id, c) : true))
      .flatMap((c) => [
        testHash(s.id, c.suite, c.name),
        ...legacyTestHashes(s.id, c.suite, c.name, record.repo.dir),
      ]),
  );
  const rootCause = phaseResult(record, 'root-cause');
  const children: ChildDraft[] =
    route === 'defer'
      ? clustersFor(record).map((cluster) => {
          const fingerprint = issueFingerprint(name, cluster.signature);
          const hashes = cluster.tests.map((t) => testHash(t.suiteId, t.group, t.name));
          const matchTests = cluster.tests.flatMap((t) =>
            legacyTestHashes(t.suiteId, t.group, t.name, record.repo.dir),
          );
          const first = cluster.tests[0];
          // The representative failure itself, not the suite's log tail (often another test's output).
          const failure = failureText(cluster.stack ?? cluster.message, record.repo.dir);
          const frames = projectFrames(cluster.stack ?? '', record.repo.dir).map(
            (fr) => `${fr.file}:${fr.line}${fr.fn ? ` ${fr.fn}` : ''}`,
          );
          return {
            fingerprint,
            tier: cluster.tier,
            tests: hashes,
            matchTests: [...new Set([...hashes, ...matchTests])],
            title: redactor.redact(
              issueTitle(github.issueTitle, {
                reason: cluster.title || cluster.message,
                test: first?.name ?? 'unknown',
                suite: first?.suiteId ?? '',
                tier: cluster.tier,
                playbook: name,
                cluster: cluster.id,
              }),
            ),
            body: redactor.redact(
              childBody({
                markers: issueMarkers({
                  fingerprint,
                  playbook: pbHash,
                  kind: 'child',
                  tests: hashes,
                  run: record.runId,
                  sig: SIGNATURE_VERSION,
                }),
                runId: record.runId,
                playbook: name,
                tier: cluster.tier,
                message: cluster.message,
                location: cluster.location,
                ...(cluster.change ? { change: describeChange(cluster.change) } : {}),
                tests: cluster.tests,
                gate: f.gateOutcome,
                failure,
                frames,
                evidence: cluster.evidence?.length
                  ? cluster.evidence.map((e) => ({
                      title: LINK_TITLES[e.kind],
                      value: e.value ?? `unknown — ${e.unknownBecause ?? 'not established'}`,
                      source: e.source,
                    }))
                  : null,
                evidenceMissing: `not established: phase 3 (root cause) ${rootCause?.state ?? 'did not run'} in run ${record.runId}`,
                worklog,
              }),
            ),
          };
        })
      : [];
  // Two children with one title: each gets a short fingerprint suffix (only then).
  const titles = new Map<string, number>();
  for (const c of children) titles.set(c.title, (titles.get(c.title) ?? 0) + 1);
  for (const c of children)
    if ((titles.get(c.title) ?? 0) > 1) c.title = withFingerprint(c.title, c.fingerprint);
  const summary = `${f.counts.passed} passed, ${f.counts.failed} failed, ${f.counts.errored} errored of ${f.counts.total}; pass rate ${f.passRateText}; gates: ${f.gateOutcome}`;
  const pull: PullDraft | null =
    route === 'proceed-change' && git.branch
      ? {
          branch: git.branch,
          base: github.baseBranch,
          remote: github.remote,
          repoDir: record.repo.dir,
          title: `tdl: ${git.branch} (${name}: ${decision}, pass rate ${f.passRateText})`,
          marker: prMarker(pbHash),
          summary: redactor.redact(
            executiveSummary(record, { rel: (p) => relative(record.repo.dir, p) || '.' }),
          ),
          decisionTable: redactor.redact(decisionTable(record)),
        }
      : null;
  return {
    schemaVersion: DRAFTS_SCHEMA_VERSION,
    signatureVersion: SIGNATURE_VERSION,
    runId: record.runId,
    playbook: { name, hash: pbHash },
    github,
    route,
    decision,
    rule: `${rule}; ${why}`,
    worklog,
    summary: redactor.redact(summary),
    labels: github.labels,
    children,
    master: { fingerprint: masterFingerprint(name), title: `E2E-DEPLOY-${name}-Master-Tracking-Issue` },
    passed: [...new Set(passed)],
    pull,
  };
}
