/** What must be equal between a sharded and an unsharded run of the same tests (issue 20). */

import { clustersFor } from '../../src/clustering/cluster.js';
import type { RunRecord } from '../../src/core/record.js';
import { phaseResult } from '../../src/phase-data/index.js';

export function truth(record: RunRecord) {
  const data = phaseResult(record, 'run-tests')!.data!;
  return {
    counts: { ...data.counts, durationMs: null },
    tiers: data.tiers.map((t) => ({
      tier: t.tier,
      state: t.state,
      counts: { ...t.counts, durationMs: null },
      gate: t.gate,
    })),
    suites: data.suites.map((s) => ({
      id: s.id,
      state: s.state,
      verdict: s.verdict,
      counts: { ...s.counts, durationMs: null },
    })),
    tests: data.suites.flatMap((s) => s.cases.map((c) => `${s.id}/${c.suite}/${c.name}:${c.status}`)).sort(),
    clusters: clustersFor(record)
      .map((c) => `${c.id} ${c.tests.map((t) => t.name).join(',')}`)
      .sort(),
    verdict: phaseResult(record, 'run-tests')!.verdict,
    decision: record.decision,
    exitCode: record.exitCode,
  };
}
