/**
 * Exactly once under faults: 200+ randomized runs through the real octokit against the emulator,
 * which injects 500/502, 403 secondary rate limits with retry-after, 422, and connections dropped
 * after the issue was created but before the answer. A publish that fails is sent again (as
 * `tdl publish` or `tdl resume` would). Zero duplicates, zero lost issues.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GitHubPort } from '../../src/adapters/github/port.js';
import { applyDrafts } from '../../src/phases/6-publish/apply.js';
import { type Fault, type GitHubEmulator, startGitHubEmulator } from '../../src/sandbox/github/server.js';
import { readMeta } from '../../src/services/issue-markers.js';
import { draftsFor, type FakeTest, portFor, REPO, recordWith } from './github-fixtures.js';

const RUNS = 200;
const MAX_SENDS = 25;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The runs are independent (each starts from an empty repository), so they go through LANES lanes at
// once, each with its own emulator and its own octokit. A request spends most of its time waiting
// in the client's rate limiters (timers, not CPU), so the lanes overlap that waiting. Each run draws
// its faults from its own seeded random stream: the schedule is the same whatever the lane order.
const LANES = 8;
const SEED = 20261125;

let lanes: GitHubEmulator[] = [];
beforeAll(async () => {
  lanes = await Promise.all(Array.from({ length: LANES }, () => startGitHubEmulator({ repos: [REPO] })));
});
afterAll(async () => {
  await Promise.all(lanes.map((emu) => emu.close()));
});

it(`${RUNS} randomized runs under faults: zero duplicates, zero lost issues`, async () => {
  const injected: Record<string, number> = {
    '500': 0,
    '502': 0,
    '403-secondary': 0,
    '422': 0,
    'drop-after': 0,
  };
  const totals = {
    publishes: 0,
    sends: 0,
    resent: 0,
    issuesExpected: 0,
    duplicates: 0,
    lost: 0,
    duplicateComments: 0,
    notClosed: 0,
  };
  const oneRun = async (run: number, emu: GitHubEmulator, gh: GitHubPort) => {
    const random = mulberry32(SEED + run);
    const pick = (): Fault => {
      const r = random();
      if (r < 0.22) return { kind: 'status', status: 500 };
      if (r < 0.4) return { kind: 'status', status: 502 };
      if (r < 0.6) return { kind: 'secondary-rate-limit', retryAfter: 1 };
      if (r < 0.72) return { kind: 'status', status: 422 };
      return { kind: 'drop-after' };
    };
    emu.reset();
    const rate = 0.1 + random() * 0.2;
    emu.faults = ({ method }) => {
      if (random() >= rate) return null;
      const f = pick();
      if (f.kind === 'status' && f.status === 422 && method === 'GET') return null; // reads are not validated
      const key =
        f.kind === 'status' ? String(f.status) : f.kind === 'drop-after' ? 'drop-after' : '403-secondary';
      injected[key]!++;
      return f;
    };
    const clusters = 1 + Math.floor(random() * 3);
    const tests: FakeTest[] = Array.from({ length: clusters }, (_, i) => ({
      suite: i % 2 ? 'api' : 'critical',
      name: `test ${i}`,
      // Distinct words, not numbers: phase 3's signature masks numbers, and these are distinct causes.
      message: `failure ${['alpha', 'beta', 'gamma'][i]} in run ${run}`,
    }));
    // Two publishes per run: the first files, the second (a later run) fixes one failure.
    const later = tests.map((t, i) => (i === 0 ? { ...t, message: undefined } : t));
    for (const [n, set] of [tests, later].entries()) {
      const drafts = draftsFor(
        recordWith(`tdl-20260101-${String(run).padStart(4, '0')}0${n}-abcdef`, set),
        emu,
      );
      totals.publishes++;
      let sent = false;
      for (let attempt = 1; attempt <= MAX_SENDS && !sent; attempt++) {
        totals.sends++;
        try {
          await applyDrafts(drafts, { gh, git: null });
          sent = true;
        } catch {
          totals.resent++;
        }
      }
      expect(sent).toBe(true);
    }
    emu.faults = null;
    const issues = emu.repo(REPO).issues;
    const byFp = new Map<string, number>();
    for (const i of issues) {
      const fp = readMeta(i.body)?.fingerprint ?? 'none';
      byFp.set(fp, (byFp.get(fp) ?? 0) + 1);
      const markers = i.comments.map((c) => /tdl:comment=[^ ]+/.exec(c.body)?.[0]);
      totals.duplicateComments += markers.length - new Set(markers).size;
    }
    const expected = draftsFor(recordWith('tdl-20260101-000000-abcdef', tests), emu);
    for (const fp of [expected.master.fingerprint, ...expected.children.map((c) => c.fingerprint)]) {
      totals.issuesExpected++;
      const count = byFp.get(fp) ?? 0;
      if (count === 0) totals.lost++;
      if (count > 1) totals.duplicates += count - 1;
    }
    totals.duplicates +=
      [...byFp.values()].reduce((a, b) => a + b, 0) - (clusters + 1) - (byFp.get('none') ?? 0);
    const fixed = issues.find((i) => readMeta(i.body)?.fingerprint === expected.children[0]!.fingerprint);
    if (fixed?.state !== 'closed') totals.notClosed++;
  };
  let next = 0;
  let done = 0;
  await Promise.all(
    lanes.map(async (emu) => {
      const gh = await portFor(emu);
      for (let run = next++; run < RUNS; run = next++) {
        await oneRun(run, emu, gh);
        done++;
      }
    }),
  );
  expect(done).toBe(RUNS);
  console.log(
    `fault schedule: ${RUNS} runs, ${totals.publishes} publishes, ${totals.sends} sends (${totals.resent} failed and were sent again); ` +
      `faults injected: ${Object.entries(injected)
        .map(([k, v]) => `${k}=${v}`)
        .join(
          ', ',
        )}; issues expected ${totals.issuesExpected}, duplicates ${totals.duplicates}, lost ${totals.lost}, ` +
      `duplicate comments ${totals.duplicateComments}, resolved-but-open ${totals.notClosed}`,
  );
  expect(Object.values(injected).every((v) => v > 0)).toBe(true);
  expect(totals).toMatchObject({ duplicates: 0, lost: 0, duplicateComments: 0, notClosed: 0 });
}, 300_000);
