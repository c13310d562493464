/**
 * One home for clustering: phase 6 gets the same fingerprints whether phase 3 completed, errored or
 * was skipped; and an upgrade of the signature rule re-files nothing (old issues are mapped to the new
 * clusters through the test ids they carry).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterFailures } from '../../src/clustering/cluster.js';
import { SIGNATURE_VERSION } from '../../src/clustering/signature.js';
import { stableHash } from '../../src/core/ids.js';
import type { PhaseResult, RunRecord } from '../../src/core/record.js';
import { phaseData, phaseResult } from '../../src/phase-data/index.js';
import type { RootCauseData } from '../../src/phase-data/root-cause.js';
import { applyDrafts } from '../../src/phases/6-publish/apply.js';
import type { Drafts } from '../../src/phases/6-publish/drafts.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { issueMarkers, legacyTestHashes, readMeta } from '../../src/services/issue-markers.js';
import { draftsFor, type FakeTest, portFor, REPO, recordWith } from './github-fixtures.js';

let emu: GitHubEmulator;
beforeAll(async () => {
  emu = await startGitHubEmulator({ repos: [REPO] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

// One cause hit by three tests (the message varies by an argument), and another cause.
const FAILING: FakeTest[] = [
  { name: 'sends tool_name', message: 'missing field "tool_name" in event evt_1' },
  { name: 'sends results', message: 'missing field "tool_name" in event evt_2' },
  { name: 'sends status', message: 'missing field "tool_name" in event evt_3' },
  { suite: 'api', name: 'health', message: 'expected 200, got 503' },
  { name: 'connects' },
];

function withRootCause(record: RunRecord, state: PhaseResult['state']): RunRecord {
  const tests = phaseData(record, 'run-tests')!;
  const data: RootCauseData = {
    signatureVersion: SIGNATURE_VERSION,
    clusters: clusterFailures(tests.suites, record.repo.dir),
  };
  const phase: PhaseResult = {
    id: 'root-cause',
    index: 3,
    title: 'Root cause analysis',
    state,
    findings: [],
    ...(state === 'completed' ? { data } : { reason: state }),
  };
  return { ...record, phases: [...record.phases, phase] };
}

const children = () => emu.repo(REPO).issues.filter((i) => !i.pull && readMeta(i.body)?.kind === 'child');

describe('one clustering for every publisher', () => {
  it('phase 6 with phase 3 completed, errored or skipped gives the same fingerprints', () => {
    const base = recordWith('tdl-20260101-000000-aaaaaa', FAILING);
    const fps = (r: RunRecord) => draftsFor(r, emu).children.map((c) => c.fingerprint);
    const completed = fps(withRootCause(base, 'completed'));
    expect(completed).toHaveLength(2);
    expect(fps(withRootCause(base, 'errored'))).toEqual(completed);
    expect(fps(withRootCause(base, 'skipped'))).toEqual(completed);
    expect(fps(base)).toEqual(completed);
  });

  it('clusters of an older signature version in a record are recomputed, not trusted', () => {
    const base = withRootCause(recordWith('tdl-20260101-000000-aaaaaa', FAILING), 'completed');
    const rc = phaseResult(base, 'root-cause')!;
    const stale: RunRecord = {
      ...base,
      phases: [base.phases[0]!, { ...rc, data: { ...rc.data!, signatureVersion: 1, clusters: [] } }],
    };
    expect(draftsFor(stale, emu).children.map((c) => c.fingerprint)).toEqual(
      draftsFor(base, emu).children.map((c) => c.fingerprint),
    );
  });
});

/** The drafts as tdl 0.1.0 wrote them: other fingerprints, tests hashed with absolute paths, no version. */
function asOldVersion(drafts: Drafts, split: boolean): Drafts {
  const record = recordWith(drafts.runId, FAILING);
  const suites = phaseData(record, 'run-tests')!.suites;
  const oldHash = (suiteId: string, name: string) => {
    const c = suites.find((s) => s.id === suiteId)!.cases.find((x) => x.name === name)!;
    return legacyTestHashes(suiteId, c.suite, c.name, record.repo.dir)[0]!;
  };
  const groups: FakeTest[][] = split
    ? // The old rule kept each message apart: one issue per test of the first cause.
      [[FAILING[0]!], [FAILING[1]!], [FAILING[2]!], [FAILING[3]!]]
    : [[FAILING[0]!, FAILING[1]!, FAILING[2]!], [FAILING[3]!]];
  const children = groups.map((tests, i) => {
    const fingerprint = stableHash(['old-rule', String(i)], 16);
    const hashes = tests.map((t) => oldHash(t.suite ?? 'critical', t.name));
    const markers = issueMarkers({
      fingerprint,
      playbook: drafts.playbook.hash,
      kind: 'child',
      tests: hashes,
      run: drafts.runId,
    });
    return {
      fingerprint,
      title: `E2E-DEPLOY-Old-${i}`,
      body: `${markers}\nold body`,
      tier: 1,
      tests: hashes,
    };
  });
  const { signatureVersion: _v, ...rest } = drafts;
  return { ...rest, children };
}

describe('an upgrade of the signature version re-files nothing', () => {
  it.each([
    ['the same grouping', false],
    ['a grouping that merges what the old one split', true],
  ])('%s: the old issues are taken over, none filed again', async (_label, split) => {
    const gh = await portFor(emu);
    const current = draftsFor(recordWith('tdl-20260102-000000-bbbbbb', FAILING), emu);
    await applyDrafts(
      asOldVersion(draftsFor(recordWith('tdl-20260101-000000-aaaaaa', FAILING), emu), split),
      {
        gh,
        git: null,
      },
    );
    const before = children().map((c) => c.number);
    expect(before).toHaveLength(split ? 4 : 2);
    const out = await applyDrafts(current, { gh, git: null });
    expect(out.actions.some((a) => a.action.startsWith('create issue'))).toBe(false);
    expect(children().map((c) => c.number)).toEqual(before);
    const open = children().filter((c) => c.state === 'open');
    expect(open).toHaveLength(2);
    expect(open.map((c) => readMeta(c.body)!.fingerprint).sort()).toEqual(
      current.children.map((c) => c.fingerprint).sort(),
    );
    expect(open.every((c) => readMeta(c.body)!.sig === SIGNATURE_VERSION)).toBe(true);
    if (split) {
      const merged = children().filter((c) => c.state === 'closed');
      expect(merged).toHaveLength(2);
      for (const m of merged) expect(m.comments.at(-1)!.body).toMatch(/The same failure as #\d+/);
    }
    // A second run of the new version changes nothing more.
    const again = await applyDrafts(draftsFor(recordWith('tdl-20260103-000000-cccccc', FAILING), emu), {
      gh,
      git: null,
    });
    expect(again.actions.some((a) => /create issue|update #|close it/.test(a.action))).toBe(false);
    expect(children().filter((c) => c.state === 'open')).toHaveLength(2);
  });
});

describe('within one signature version, a cluster named after another of its parts', () => {
  /** The drafts of a run that named the first cluster differently (its largest part was another). */
  function renamed(drafts: Drafts): Drafts {
    const [first, ...rest] = drafts.children;
    const fingerprint = stableHash(['renamed', first!.fingerprint], 16);
    return { ...drafts, children: [{ ...first!, fingerprint }, ...rest] };
  }

  it('takes the open issue over instead of filing a second one', async () => {
    const gh = await portFor(emu);
    await applyDrafts(renamed(draftsFor(recordWith('tdl-20260101-000000-aaaaaa', FAILING), emu)), {
      gh,
      git: null,
    });
    const before = children().map((c) => c.number);
    expect(before).toHaveLength(2);
    const current = draftsFor(recordWith('tdl-20260102-000000-bbbbbb', FAILING), emu);
    const out = await applyDrafts(current, { gh, git: null });
    expect(out.actions.some((a) => a.action.startsWith('create issue'))).toBe(false);
    expect(children().map((c) => c.number)).toEqual(before);
    expect(
      children()
        .filter((c) => c.state === 'open')
        .map((c) => readMeta(c.body)!.fingerprint)
        .sort(),
    ).toEqual(current.children.map((c) => c.fingerprint).sort());
  });

  it('never closes an issue of this version as merged when the cluster has its own issue', async () => {
    const gh = await portFor(emu);
    const current = draftsFor(recordWith('tdl-20260102-000000-bbbbbb', FAILING), emu);
    await applyDrafts(current, { gh, git: null });
    // Another open issue of this version for tests that now fail in the first cluster (as a run of
    // another grouping would have filed it), while the cluster has its own issue.
    const first = current.children[0]!;
    await gh.createIssue({
      title: 'E2E-DEPLOY-Other',
      body: `${issueMarkers({
        fingerprint: stableHash(['other', first.fingerprint], 16),
        playbook: current.playbook.hash,
        kind: 'child',
        tests: first.tests,
        run: 'tdl-20260102-000000-dddddd',
        sig: SIGNATURE_VERSION,
      })}\nanother body`,
      labels: [],
    });
    expect(children()).toHaveLength(3);
    await applyDrafts(draftsFor(recordWith('tdl-20260103-000000-cccccc', FAILING), emu), { gh, git: null });
    expect(children().filter((c) => c.state === 'open')).toHaveLength(3);
  });
});
