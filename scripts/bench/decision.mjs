// Phase 3 and 5 figures (issue 7), from the built dist/:
//  1. Clustering: 10,000 failing tests (200 distinct failures, each with varying ids, times and temp
//     paths in its message) clustered by signature: median time, and clusters found (expected 200).
//  2. Criteria + decision on a run of 10,000 tests compared with a previous run: median time.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { clusterFailures } = await load('clustering/cluster.js');
const { evaluateCriteria, decide } = await load('decision/policy.js');
const { decisionSchema } = await load('playbook/sections/decision.js');
const { countCases, passRate } = await load('results/model.js');

const REPO = '/srv/repo';
const N = 10_000;
const DISTINCT = 200;
const cases = Array.from({ length: N }, (_, i) => {
  const k = i % DISTINCT;
  return {
    suite: `group${k % 17}`,
    name: `test ${i}`,
    status: 'failed',
    durationMs: 3,
    message: `request req_${i}x failed for "user-${i}" at 2026-11-25T10:${String(i % 60).padStart(2, '0')}:00Z writing /tmp/run-${i}/out.json (kind ${k})`,
    stack: `Error: x\n    at handler${k} (${REPO}/src/area${k % 7}/mod${k}.js:${10 + k}:5)\n    at run (${REPO}/test/t.js:1:1)`,
  };
});
const suite = (cs) => ({
  id: 'big',
  tier: 1,
  categories: [],
  command: ['x'],
  state: 'completed',
  verdict: 'fail',
  attempts: [],
  durationMs: 1,
  counts: countCases(cs),
  cases: cs,
  report: null,
  logFile: null,
  outputTail: '',
  outputBytes: 0,
  findings: [],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(n, fn) {
  const out = [];
  let last;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    last = fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return [median(out), last];
}

const [clusterMs, clusters] = time(7, () => clusterFailures([suite(cases)], REPO));
console.log(
  `clustering ${N} failing tests: ${clusterMs.toFixed(1)} ms median of 7; ${clusters.length} clusters (expected ${DISTINCT})`,
);

const testsPhase = (cs) => {
  const counts = countCases(cs);
  const rate = passRate(counts);
  return {
    id: 'run-tests',
    index: 2,
    title: 't',
    state: 'completed',
    findings: [],
    data: {
      tiers: [{ tier: 1, state: 'completed', suites: ['big'], counts, passRate: rate, gate: null }],
      suites: [suite(cs)],
      counts,
      passRate: rate,
      noGo: null,
    },
  };
};
const half = cases.map((c, i) => (i % 2 ? { ...c, status: 'passed' } : c));
const previous = { runId: 'prev', repo: { branch: 'main', commit: 'a' }, phases: [testsPhase(cases)] };
const input = {
  config: decisionSchema.parse({}),
  tests: testsPhase(half),
  clusters,
  compliance: { configured: false },
  deploy: { configured: false },
  diff: { base: 'main', stat: { base: 'main', mergeBase: 'a'.repeat(40), files: [], lines: 0, areas: [] } },
  previous,
  baseRun: previous,
  previousClusters: clusters,
  previousViolations: null,
  currentViolations: null,
};
const [decideMs, decision] = time(7, () => decide(evaluateCriteria(input)));
console.log(
  `criteria + decision over ${N} tests vs a previous run: ${decideMs.toFixed(1)} ms median of 7; ${decision.decision}`,
);
