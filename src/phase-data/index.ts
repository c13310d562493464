/**
 * The data each phase leaves in the run record, typed by the phase's id, and the one way to read it.
 *
 * The record's schema (src/core/record.ts) leaves a phase's `data` open: the core sits below the
 * phases and does not know their data. This module gives each phase id its data type (the `z.output`
 * of the phase's data schema) and, by declaration merging, hands the map to the core's
 * `PhaseDataRegistry`, so the record's `phases` are a union discriminated by `id` and a reader gets a
 * phase's data typed with no cast.
 *
 * Where the check happens: src/phase-data/record.ts, the one layer that knows both the record (core)
 * and every phase's data schema, called by the loader of stored records (parseStoredRecord,
 * src/history/compact.ts: resume, `tdl publish`, the MCP server and history reading all go through
 * it). A record made in this process is typed by the phases that wrote it and is not checked again.
 */
import type { PhaseEntry, PhaseId, PhaseResult, RunRecord } from '../core/record.js';
import type { ComplianceSummary } from './compliance.js';
import type { DeployStatusData } from './deploy-status.js';
import type { PublishData } from './publish.js';
import type { RootCauseData } from './root-cause.js';
import type { RunTestsData } from './run-tests.js';
import type { SelectTestsData } from './select-tests.js';
import type { StabilityData } from './stability.js';

export type { PhaseEntry };

/** Each phase's data in the run record, by phase id. */
export interface PhaseDataMap {
  'deploy-status': DeployStatusData;
  'select-tests': SelectTestsData;
  'run-tests': RunTestsData;
  'root-cause': RootCauseData;
  compliance: ComplianceSummary;
  stability: StabilityData;
  publish: PublishData;
}

declare module '../core/record.js' {
  // The phases' data types, given to the core's record types (see PhaseDataRegistry there).
  interface PhaseDataRegistry extends PhaseDataMap {}
}

/**
 * True when `result` is phase `id`'s entry, its data then typed as that phase's. Sound because
 * `PhaseResult` is a union discriminated by `id` (the parameter names `PhaseEntry<I>` too only so that
 * TypeScript accepts the predicate for a generic `I`).
 */
export function isPhase<I extends PhaseId>(
  result: PhaseResult | PhaseEntry<I>,
  id: I,
): result is PhaseEntry<I> {
  return result.id === id;
}

/** The entry of phase `id` in a record (or an iteration of one); undefined when the phase is not in it. */
export function phaseResult<I extends PhaseId>(
  record: Pick<RunRecord, 'phases'>,
  id: I,
): PhaseEntry<I> | undefined {
  for (const p of record.phases) if (isPhase(p, id)) return p;
  return undefined;
}

/** The data of phase `id` in a record; undefined when the phase is not in it or left no data. */
export function phaseData<I extends PhaseId>(
  record: Pick<RunRecord, 'phases'>,
  id: I,
): PhaseDataMap[I] | undefined {
  return phaseResult(record, id)?.data;
}

/** The data of a phase entry when it is phase `id`'s (undefined for another phase's entry or no data). */
export function dataOf<I extends PhaseId>(result: PhaseResult, id: I): PhaseDataMap[I] | undefined {
  return isPhase(result, id) ? result.data : undefined;
}
