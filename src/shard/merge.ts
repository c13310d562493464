/**
 * Merging a tier's partial records into one tier of one run (pure). Completeness first: every
 * planned chunk must arrive exactly once, from this run id and plan. A partial that cannot be read,
 * one of another run or plan (foreign), a chunk seen twice or one the plan did not give that shard
 * is a finding, and so is every chunk that never arrived; any of them makes the tier inconclusive and
 * NO-GO (unknown is never pass). Then each suite's chunks are put back together into the suite result
 * an unsharded run would have, and the tier's gate is evaluated on them as phase 2 does.
 */

import type { Finding } from '../core/record.js';
import { type ExecutionState, type Verdict, worstState, worstVerdict } from '../core/states.js';
import type { ShardRow, SuiteResult, TierResult } from '../phase-data/run-tests.js';
import { evaluateGate } from '../phases/2-run-tests/gates.js';
import type { GateConfig } from '../playbook/sections/suites.js';
import { addCounts, passRate } from '../results/model.js';
import type { PartialRecord, ReadPartial } from './document.js';
import type { PlannedChunk, TierPlan } from './plan.js';

export interface PlanIdentity {
  runId: string;
  digest: string;
  shards: number;
}

/** What the merge knows of a suite besides its chunks (for a suite none of whose chunks arrived). */
export interface SuiteInfo {
  categories: string[];
  command: string[];
}

export interface TierMerge {
  tier: number;
  /** Every planned chunk arrived exactly once and nothing foreign came along. */
  complete: boolean;
  findings: Finding[];
  suites: SuiteResult[];
  result: TierResult;
  go: boolean;
  rows: ShardRow[];
  balance: { slowestMs: number; meanMs: number; ratio: number } | null;
  plannedRatio: number;
}

const COMPLETENESS_KINDS = new Set([
  'unreadable-partial',
  'foreign-partial',
  'duplicate-partial',
  'duplicate-chunk',
  'unplanned-chunk',
  'missing-chunk',
]);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why a partial is not of this run, plan and tier (null when it is). */
function foreignReason(p: PartialRecord, plan: PlanIdentity): string | null {
  if (p.runId !== plan.runId) return `run ${p.runId}, not ${plan.runId}`;
  if (p.planDigest !== plan.digest) return `plan ${p.planDigest}, not this plan (${plan.digest})`;
  if (p.shard.count !== plan.shards)
    return `shard ${p.shard.index}/${p.shard.count} of a plan of ${plan.shards} shards`;
  return null;
}

function mergeReason(
  verdict: Verdict,
  merged: SuiteResult,
  parts: readonly SuiteResult[],
  missing: string[],
): string {
  if (missing.length)
    return `${plural(missing.length, 'chunk')} never reported (${missing.join(', ')}): results incomplete`;
  if (parts.length === 1) return parts[0]!.reason ?? '';
  // The words phase 2 uses for a whole suite (suite.ts), so a merged run reads as an unsharded one.
  const c = merged.counts;
  if (verdict === 'fail') return `${c.failed} failed, ${c.errored} errored of ${c.total}`;
  if (verdict === 'pass') return `${c.passed} passed of ${c.total}`;
  const why = parts.filter((p) => p.verdict !== 'pass').map((p) => p.reason ?? p.state);
  return `${c.passed} passed of ${c.total} in ${plural(parts.length, 'chunk')}; ${[...new Set(why)].join('; ')}`;
}

/** One suite's result from its chunks' results, as an unsharded run of the suite would report it. */
export function mergeSuite(
  id: string,
  tier: number,
  parts: readonly SuiteResult[],
  missing: string[],
  info: SuiteInfo | undefined,
): SuiteResult {
  const states: ExecutionState[] = parts.map((p) => p.state);
  const verdicts: Verdict[] = parts.map((p) => p.verdict);
  if (missing.length) {
    states.push('errored');
    verdicts.push('inconclusive');
  }
  const first = parts[0];
  const telling = parts.find((p) => p.verdict !== 'pass') ?? first;
  const merged: SuiteResult = {
    id,
    tier,
    categories: first?.categories ?? info?.categories ?? [],
    command: first?.command ?? info?.command ?? [],
    state: worstState(states),
    verdict: worstVerdict(verdicts),
    attempts: parts.flatMap((p) => p.attempts),
    durationMs: parts.reduce((a, p) => a + p.durationMs, 0),
    counts: addCounts(...parts.map((p) => p.counts)),
    cases: parts.flatMap((p) => p.cases),
    report: first?.report ?? null,
    logFile: telling?.logFile ?? null,
    outputTail: telling?.outputTail ?? '',
    outputBytes: parts.reduce((a, p) => a + p.outputBytes, 0),
    findings: parts.flatMap((p) => p.findings),
    ...(first?.services ? { services: first.services } : {}),
  };
  merged.reason = mergeReason(merged.verdict, merged, parts, missing);
  return merged;
}

/**
 * Merges one tier. `partials` are every partial given (of any tier: those of other tiers of this
 * plan are left out with a note); `gate` is the tier's gate, if any.
 */
export function mergeTier(
  plan: PlanIdentity,
  tierPlan: TierPlan,
  partials: readonly ReadPartial[],
  gate: GateConfig | undefined,
  info: ReadonlyMap<string, SuiteInfo> = new Map(),
): TierMerge {
  const tier = tierPlan.tier;
  const findings: Finding[] = [];
  const planned = new Map<string, PlannedChunk>(tierPlan.chunks.map((c) => [c.id, c]));
  const got = new Map<string, SuiteResult>();
  const byShard = new Map<number, PartialRecord>();
  const add = (kind: string, message: string, subject?: string, severity: Finding['severity'] = 'error') =>
    findings.push({ kind, severity, message, ...(subject ? { subject } : {}) });

  for (const read of partials) {
    if (!('partial' in read)) {
      add('unreadable-partial', `${read.file}: ${read.problem}`, read.file);
      continue;
    }
    const p = read.partial;
    const foreign = foreignReason(p, plan);
    if (foreign) {
      add(
        'foreign-partial',
        `${read.file} is not of this run: ${foreign}; its results are not used`,
        read.file,
      );
      continue;
    }
    if (p.tier !== tier) {
      add(
        'other-tier-partial',
        `${read.file} is of tier ${p.tier}; left out of tier ${tier}`,
        read.file,
        'info',
      );
      continue;
    }
    if (byShard.has(p.shard.index))
      add(
        'duplicate-partial',
        `shard ${p.shard.index}/${p.shard.count} reported twice (${read.file} is a second partial)`,
        read.file,
      );
    else byShard.set(p.shard.index, p);
    if (p.state !== 'completed')
      add(
        'shard-interrupted',
        `shard ${p.shard.index}/${p.shard.count} on ${p.host} was interrupted (${p.state})`,
        read.file,
        'warning',
      );
    for (const chunk of p.chunks) {
      const plannedChunk = planned.get(chunk.id);
      if (!plannedChunk || plannedChunk.shard !== p.shard.index) {
        add(
          'unplanned-chunk',
          `shard ${p.shard.index}/${p.shard.count} reported chunk ${chunk.id}, which the plan ${plannedChunk ? `gave shard ${plannedChunk.shard}` : 'does not have in tier ' + tier}`,
          chunk.id,
        );
        if (!plannedChunk) continue;
      }
      if (got.has(chunk.id)) {
        add('duplicate-chunk', `chunk ${chunk.id} arrived more than once; the first copy is used`, chunk.id);
        continue;
      }
      got.set(chunk.id, chunk.suite as unknown as SuiteResult);
    }
  }

  const missingByShard = new Map<number, string[]>();
  for (const c of tierPlan.chunks)
    if (!got.has(c.id)) missingByShard.set(c.shard, [...(missingByShard.get(c.shard) ?? []), c.id]);
  for (const [shard, ids] of [...missingByShard].sort((a, b) => a[0] - b[0]))
    add(
      'missing-chunk',
      `shard ${shard}/${plan.shards}: ${byShard.has(shard) ? 'its partial lacks' : 'no partial arrived for'} ${plural(ids.length, 'chunk')} (${ids.join(', ')})`,
      `shard ${shard}`,
    );

  const suites = tierPlan.suites.map((id) => {
    const chunks = tierPlan.chunks.filter((c) => c.suite === id);
    const parts = chunks.flatMap((c) => (got.has(c.id) ? [got.get(c.id)!] : []));
    const missing = chunks.filter((c) => !got.has(c.id)).map((c) => c.id);
    return mergeSuite(id, tier, parts, missing, info.get(id));
  });

  const problems = findings.filter((f) => COMPLETENESS_KINDS.has(f.kind));
  const complete = problems.length === 0;
  const counts = addCounts(...suites.map((s) => s.counts));
  let gateResult = gate ? evaluateGate(suites, gate) : null;
  if (gateResult && !complete)
    gateResult = {
      ...gateResult,
      verdict: 'inconclusive',
      reason: `incomplete (${plural(problems.length, 'completeness finding')}); measured on what arrived: ${gateResult.reason}`,
    };
  const incompleteReason = `incomplete: ${problems
    .map((f) => f.kind)
    .filter((k, i, a) => a.indexOf(k) === i)
    .join(', ')}`;
  const result: TierResult = {
    tier,
    state: !complete ? 'errored' : suites.some((s) => s.state === 'cancelled') ? 'cancelled' : 'completed',
    ...(complete ? {} : { reason: incompleteReason }),
    suites: [...tierPlan.suites],
    counts,
    passRate: passRate(counts),
    gate: gateResult,
  };
  const rows: ShardRow[] = tierPlan.shards.map((s) => {
    const p = byShard.get(s.index);
    return {
      index: s.index,
      chunks: s.chunks,
      state: p ? p.state : 'missing',
      wallMs: p?.wallMs ?? null,
      host: p?.host ?? null,
      plannedMs: s.plannedMs,
    };
  });
  const walls = rows.filter((r) => r.wallMs !== null && r.chunks.length > 0).map((r) => r.wallMs!);
  const meanMs = walls.length ? walls.reduce((a, b) => a + b, 0) / walls.length : 0;
  const slowestMs = walls.length ? Math.max(...walls) : 0;
  return {
    tier,
    complete,
    findings,
    suites,
    result,
    go: complete && (gateResult ? gateResult.verdict === 'pass' : true),
    rows,
    balance: walls.length ? { slowestMs, meanMs, ratio: meanMs > 0 ? slowestMs / meanMs : 1 } : null,
    plannedRatio: tierPlan.balance.ratio,
  };
}
