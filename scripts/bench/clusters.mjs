// Clustering quality (issue 13): B-cubed precision and recall of phase 3's clustering over the
// labelled corpus of real failures in test/fixtures/clusters/ (real public projects at pinned commits,
// broken in realistic ways, their real test suites run; see generate.mjs and scenarios.mjs there).
// Precision: how pure the clusters are (1.0: no cluster mixes two causes). Recall: how whole each
// cause is (1.0: every cause is one cluster). Per project, per scenario and overall.
import { clusterScenario, scenarios, scoreCorpus } from '../../test/fixtures/clusters/corpus.mjs';

const pct = (x) => x.toFixed(3);
const r = await scoreCorpus();
console.log('project           repository             scenarios  failures  causes  precision  recall');
for (const p of r.projects)
  console.log(
    `${p.project.padEnd(17)} ${p.repo.padEnd(22)} ${String(p.scenarios).padStart(9)} ${String(p.failures).padStart(9)} ${String(p.causes).padStart(7)} ${pct(p.precision).padStart(10)} ${pct(p.recall).padStart(7)}`,
  );
console.log(
  `${'overall'.padEnd(17)} ${''.padEnd(22)} ${String(r.perScenario.length).padStart(9)} ${String(r.overall.failures).padStart(9)} ${''.padStart(7)} ${pct(r.overall.precision).padStart(10)} ${pct(r.overall.recall).padStart(7)}`,
);
console.log('\nper scenario: failures, causes → clusters, precision, recall');
for (const s of r.perScenario)
  console.log(
    `  ${`${s.project}/${s.scenario}`.padEnd(32)} ${String(s.failures).padStart(4)}  ${s.causes} → ${String(s.clusters).padStart(3)}  ${pct(s.precision)}  ${pct(s.recall)}${s.mixed.length ? `  MIXED: ${s.mixed.join('; ')}` : ''}`,
  );

// What grouping costs: every scenario's report parsed and clustered (phase 3's function), median of 7.
const times = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  for (const s of scenarios()) await clusterScenario(s);
  times.push(performance.now() - t0);
}
const median = times.sort((a, b) => a - b)[3];
console.log(
  `\nparse + cluster, all ${r.perScenario.length} scenarios (${r.overall.failures} failures): ${median.toFixed(0)} ms median of 7 (${((median * 1000) / r.overall.failures).toFixed(0)} µs a failure)`,
);
