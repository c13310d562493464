/** What `tdl plan` and `tdl merge --tier` print (pure). */
import { formatDuration, percent } from '../core/format.js';
import type { PlanDocument } from './document.js';
import type { TierMerge } from './merge.js';

export interface TierSummary {
  kind: 'tdl-tier-merge';
  runId: string;
  planDigest: string;
  tier: number;
  complete: boolean;
  go: boolean;
  gate: TierMerge['result']['gate'];
  state: string;
  reason: string | null;
  counts: TierMerge['result']['counts'];
  passRate: number | null;
  findings: TierMerge['findings'];
  shards: TierMerge['rows'];
  balance: TierMerge['balance'];
  suites: { id: string; state: string; verdict: string; reason: string | null }[];
}

export function tierSummary(plan: PlanDocument, m: TierMerge): TierSummary {
  return {
    kind: 'tdl-tier-merge',
    runId: plan.runId,
    planDigest: plan.digest,
    tier: m.tier,
    complete: m.complete,
    go: m.go,
    gate: m.result.gate,
    state: m.result.state,
    reason: m.result.reason ?? null,
    counts: m.result.counts,
    passRate: m.result.passRate,
    findings: m.findings,
    shards: m.rows,
    balance: m.balance,
    suites: m.suites.map((s) => ({ id: s.id, state: s.state, verdict: s.verdict, reason: s.reason ?? null })),
  };
}

export function renderTierSummary(s: TierSummary): string {
  const c = s.counts;
  const lines = [
    `Tier ${s.tier} of run ${s.runId}: ${s.go ? 'GO' : 'NO-GO'}${s.complete ? '' : ' (incomplete: inconclusive)'}`,
    `  Tests: ${c.passed} passed, ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped (pass rate ${percent(s.passRate)})`,
    `  Gate:  ${s.gate ? `${s.gate.verdict}: ${s.gate.reason}` : 'none'}`,
  ];
  for (const f of s.findings) lines.push(`  ${f.severity}: ${f.kind}: ${f.message}`);
  for (const r of s.shards)
    lines.push(
      `  shard ${r.index}: ${r.state}, ${r.chunks.length} chunk(s)${r.wallMs === null ? '' : `, ${formatDuration(r.wallMs)}`}${r.host ? ` on ${r.host}` : ''}`,
    );
  return lines.join('\n');
}

export function renderPlan(plan: PlanDocument): string {
  const lines = [
    `Plan of run ${plan.runId} (${plan.playbook.name}, focus ${plan.focus}): ${plan.shards} shard(s) per tier`,
  ];
  for (const t of plan.tiers) {
    lines.push(
      `  tier ${t.tier}: ${t.chunks.length} chunk(s) of ${t.suites.length} suite(s); slowest shard ${formatDuration(t.balance.slowestMs)} planned, ${t.balance.ratio.toFixed(2)}x the ideal ${formatDuration(t.balance.idealMs)}`,
    );
    for (const s of t.shards)
      lines.push(
        `    shard ${s.index}: ${s.chunks.join(', ') || '(nothing)'} — ${formatDuration(s.plannedMs)}`,
      );
    for (const e of t.estimates) lines.push(`    estimated: ${e}`);
  }
  return lines.join('\n');
}
