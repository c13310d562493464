// Phase 6 through the real octokit against the loopback GitHub emulator: time to file N issues + the
// master (first run), then a rerun (comments only), with and without the throttling plugin's pacing.
import { createGitHubPort } from '../../dist/adapters/github/index.js';
import { applyDrafts } from '../../dist/phases/6-publish/apply.js';
import { buildDrafts } from '../../dist/phases/6-publish/drafts.js';
import { githubSchema } from '../../dist/playbook/sections/github.js';
import { startGitHubEmulator } from '../../dist/sandbox/github/server.js';
import { Redactor } from '../../dist/telemetry/redact.js';

const N = 20;
const emu = await startGitHubEmulator({ repos: ['acme/shop'] });
const github = githubSchema.parse({ repo: 'acme/shop' });
function record(runId) {
  const cases = Array.from({ length: N }, (_, i) => ({
    suite: 'g',
    name: `t${i}`,
    status: 'failed',
    durationMs: 1,
    message: `failure ${i}`,
  }));
  const counts = { total: N, passed: 0, failed: N, errored: 0, skipped: 0, flaky: 0 };
  const suite = { id: 's', tier: 1, cases, outputTail: 'out', counts };
  return {
    runId,
    playbook: { name: 'bench', file: '/x' },
    repo: { dir: '/x', commit: null, branch: 'main', dirty: false },
    phases: [
      {
        id: 'run-tests',
        state: 'completed',
        verdict: 'fail',
        data: { suites: [suite], tiers: [], counts, passRate: 0, noGo: null },
      },
    ],
    decision: null,
    runDir: '/x',
  };
}
const drafts = (runId) =>
  buildDrafts({
    record: record(runId),
    github,
    git: { branch: 'main', ahead: 0, baseRef: 'main' },
    apiUrl: emu.url,
    redactor: new Redactor(),
  });
const gh = await createGitHubPort(github, { token: 't', baseUrl: emu.url, writeSpacingMs: 0, env: {} });
for (const [label, runId] of [
  ['first run (files)', 'tdl-20260101-000000-aaaaaa'],
  ['rerun (comments)', 'tdl-20260102-000000-bbbbbb'],
]) {
  const before = emu.log.length;
  const t = performance.now();
  await applyDrafts(drafts(runId), { gh, git: null });
  console.log(
    `${label}: ${N} clusters, ${emu.log.length - before} requests, ${(performance.now() - t).toFixed(0)} ms (write pacing off)`,
  );
}
console.log(
  "With the plugin's default pacing (1 s per write, 3 s per notifying write), a first run of N issues takes at least 3·(N+2) s.",
);
await emu.close();
