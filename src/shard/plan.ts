/**
 * Sharded runs (issue 20), the pure part of planning: cut each tier's suites into units (a whole
 * suite, one file of a suite split by files, one runner shard of a suite split by runner), estimate
 * each unit from the durations history recorded, and deal them to N shards longest first (LPT: each
 * unit goes to the shard with the least planned time so far). A shard's units of one suite split by
 * files become one chunk (one run of the suite with those files); every runner shard is its own chunk.
 *
 * Unknown durations are estimated, and the plan says which and how: a file without history gets the
 * median of its suite's known files (else its suite's known total spread over its files); a suite
 * without history the median of the known suites; with nothing known at all, fixed defaults.
 */

/** A suite as the planner sees it: its split and what history knows of its durations. */
export interface PlanSuiteInput {
  id: string;
  tier: number;
  split: { by: 'files'; files: readonly string[] } | { by: 'runner'; chunks: number } | null;
  /** Recorded duration of the whole suite (sum of its tests' latest durations), null when unknown. */
  knownMs: number | null;
  /** Files split only: recorded duration per file (files without one are absent). */
  fileMs?: ReadonlyMap<string, number>;
}

export interface PlannedChunk {
  /** `suite` (not split), `suite#k` (k-th chunk of a suite split by files), `suite#i/n` (runner shard). */
  id: string;
  suite: string;
  tier: number;
  /** 1-based shard that runs it. */
  shard: number;
  files?: string[];
  runner?: { index: number; count: number };
  estimateMs: number;
  /** True when any part of the estimate is not a recorded duration. */
  estimated: boolean;
}

export interface ShardPlan {
  index: number;
  chunks: string[];
  plannedMs: number;
}

export interface Balance {
  /** max(total / shards, longest single unit): no plan can do better. */
  idealMs: number;
  slowestMs: number;
  meanMs: number;
  /** slowestMs / idealMs (1 when nothing is planned). */
  ratio: number;
}

export interface TierPlan {
  tier: number;
  suites: string[];
  chunks: PlannedChunk[];
  shards: ShardPlan[];
  balance: Balance;
  /** How the unknown durations were estimated (empty when everything was recorded). */
  estimates: string[];
}

/** Estimates when nothing at all is recorded: a whole suite, and one file of a suite. */
export const DEFAULT_SUITE_MS = 30_000;
export const DEFAULT_FILE_MS = 1_000;

interface Unit {
  suite: string;
  key: string;
  file?: string;
  runner?: { index: number; count: number };
  ms: number;
  known: boolean;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ms = (n: number) => `${Math.round(n)} ms`;

/** Units of one tier, with estimates for the unknown ones (and the sentences that say how). */
function unitsOf(suites: readonly PlanSuiteInput[], shards: number, suiteMedian: number | null) {
  const units: Unit[] = [];
  const estimates: string[] = [];
  const wholeSuite = (s: PlanSuiteInput): { ms: number; known: boolean } => {
    if (s.knownMs !== null) return { ms: s.knownMs, known: true };
    return { ms: suiteMedian ?? DEFAULT_SUITE_MS, known: false };
  };
  for (const s of suites) {
    if (s.split?.by === 'files') {
      const known = s.split.files.filter((f) => s.fileMs?.has(f));
      const knownMs = known.map((f) => s.fileMs!.get(f)!);
      const unknown = s.split.files.length - known.length;
      let guess = median(knownMs);
      let how = `the median of its ${known.length} recorded file(s)`;
      if (guess === null && s.knownMs !== null && s.split.files.length > 0) {
        guess = s.knownMs / s.split.files.length;
        how = 'its recorded total spread over its files';
      }
      if (guess === null) {
        guess = DEFAULT_FILE_MS;
        how = 'the default for a file without history';
      }
      if (unknown > 0)
        estimates.push(
          `${s.id}: ${unknown} of ${s.split.files.length} file(s) have no recorded duration; estimated at ${ms(guess)} each (${how})`,
        );
      for (const f of s.split.files) {
        const m = s.fileMs?.get(f);
        units.push({
          suite: s.id,
          key: `${s.id}\u0000${f}`,
          file: f,
          ms: m ?? guess,
          known: m !== undefined,
        });
      }
    } else if (s.split?.by === 'runner') {
      const count = s.split.chunks || shards;
      const whole = wholeSuite(s);
      if (!whole.known)
        estimates.push(
          `${s.id}: no recorded duration; estimated at ${ms(whole.ms)} (${suiteMedian === null ? 'the default for a suite without history' : 'the median of the recorded suites'}), ${count} runner shard(s) of equal share`,
        );
      for (let i = 1; i <= count; i++)
        units.push({
          suite: s.id,
          key: `${s.id}\u0000${String(i).padStart(6, '0')}`,
          runner: { index: i, count },
          ms: whole.ms / count,
          known: whole.known,
        });
    } else {
      const whole = wholeSuite(s);
      if (!whole.known)
        estimates.push(
          `${s.id}: no recorded duration; estimated at ${ms(whole.ms)} (${suiteMedian === null ? 'the default for a suite without history' : 'the median of the recorded suites'})`,
        );
      units.push({ suite: s.id, key: s.id, ms: whole.ms, known: whole.known });
    }
  }
  return { units, estimates };
}

/**
 * Longest processing time first: units by estimate, longest first (ties by key, so the plan is the
 * same on every machine), each to the shard with the least planned time (ties: the lowest index).
 * Returns the 0-based shard of each unit, aligned with `units`.
 */
export function lpt(units: readonly { ms: number; key: string }[], shards: number): number[] {
  const order = units.map((_, i) => i);
  order.sort((a, b) => units[b]!.ms - units[a]!.ms || (units[a]!.key < units[b]!.key ? -1 : 1));
  const load = new Array<number>(shards).fill(0);
  const out = new Array<number>(units.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < shards; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += units[i]!.ms;
    out[i] = best;
  }
  return out;
}

/** Balance of a plan: the slowest shard against the best any plan could do. */
export function balanceOf(loads: readonly number[], longestUnitMs: number): Balance {
  const total = loads.reduce((a, b) => a + b, 0);
  const meanMs = loads.length ? total / loads.length : 0;
  const idealMs = Math.max(meanMs, longestUnitMs);
  const slowestMs = loads.length ? Math.max(...loads) : 0;
  return { idealMs, slowestMs, meanMs, ratio: idealMs > 0 ? slowestMs / idealMs : 1 };
}

/** Plans one tier over `shards` shards. */
export function planTier(
  tier: number,
  suites: readonly PlanSuiteInput[],
  shards: number,
  suiteMedian: number | null,
): TierPlan {
  const { units, estimates } = unitsOf(suites, shards, suiteMedian);
  const shardOf = lpt(units, shards);
  const chunks: PlannedChunk[] = [];
  const bySuiteShard = new Map<string, PlannedChunk>();
  // Chunks in a stable order: suites in playbook order, then by shard, then by unit.
  const order = units.map((_, i) => i);
  const suiteRank = new Map(suites.map((s, i) => [s.id, i]));
  order.sort(
    (a, b) =>
      suiteRank.get(units[a]!.suite)! - suiteRank.get(units[b]!.suite)! ||
      shardOf[a]! - shardOf[b]! ||
      (units[a]!.key < units[b]!.key ? -1 : 1),
  );
  for (const i of order) {
    const u = units[i]!;
    const shard = shardOf[i]! + 1;
    if (u.file !== undefined) {
      const key = `${u.suite}\u0000${shard}`;
      let chunk = bySuiteShard.get(key);
      if (!chunk) {
        chunk = { id: '', suite: u.suite, tier, shard, files: [], estimateMs: 0, estimated: false };
        bySuiteShard.set(key, chunk);
        chunks.push(chunk);
      }
      chunk.files!.push(u.file);
      chunk.estimateMs += u.ms;
      chunk.estimated ||= !u.known;
    } else if (u.runner) {
      chunks.push({
        id: `${u.suite}#${u.runner.index}/${u.runner.count}`,
        suite: u.suite,
        tier,
        shard,
        runner: u.runner,
        estimateMs: u.ms,
        estimated: !u.known,
      });
    } else {
      chunks.push({ id: u.suite, suite: u.suite, tier, shard, estimateMs: u.ms, estimated: !u.known });
    }
  }
  // Chunks of a suite split by files are numbered in shard order: suite#1, suite#2, …
  const seen = new Map<string, number>();
  for (const c of chunks)
    if (c.files) {
      const k = (seen.get(c.suite) ?? 0) + 1;
      seen.set(c.suite, k);
      c.id = `${c.suite}#${k}`;
    }
  const shardPlans: ShardPlan[] = Array.from({ length: shards }, (_, i) => ({
    index: i + 1,
    chunks: chunks.filter((c) => c.shard === i + 1).map((c) => c.id),
    plannedMs: chunks.filter((c) => c.shard === i + 1).reduce((a, c) => a + c.estimateMs, 0),
  }));
  const longest = units.reduce((a, u) => Math.max(a, u.ms), 0);
  return {
    tier,
    suites: suites.map((s) => s.id),
    chunks,
    shards: shardPlans,
    balance: balanceOf(
      shardPlans.map((s) => s.plannedMs),
      longest,
    ),
    estimates,
  };
}

/** Plans every tier (in tier order) over `shards` shards each. */
export function planTiers(suites: readonly PlanSuiteInput[], shards: number): TierPlan[] {
  const suiteMedian = median(suites.filter((s) => s.knownMs !== null).map((s) => s.knownMs!));
  const tiers = [...new Set(suites.map((s) => s.tier))].sort((a, b) => a - b);
  return tiers.map((t) =>
    planTier(
      t,
      suites.filter((s) => s.tier === t),
      shards,
      suiteMedian,
    ),
  );
}
