/**
 * The data each phase leaves in the run record, typed by the phase's id, and the one way to read it.
 *
 * The record's schema (src/core/record.ts) leaves a phase's `data` open: the core sits below the
 * phases and does not know their data. This map ties each phase id to its data type, so a reader asks
 * for a phase by id and gets its data typed, with no cast of its own. The casts happen here, once: the
 * only writer of a phase's `data` is the phase of that id (src/pipeline/runner.ts records what the
 * phase returned). Records read back from disk are checked against the record schema, not against
 * these types (a record of an earlier version may lack fields added since: readers of stored records
 * type them as `Partial<…>` where they must).
 */
import type { PhaseId, PhaseResult, RunRecord } from '../core/record.js';
import type { ComplianceSummary } from './compliance.js';
import type { DeployStatusData } from './deploy-status.js';
import type { PublishData } from './publish.js';
import type { RootCauseData } from './root-cause.js';
import type { RunTestsData } from './run-tests.js';
import type { SelectTestsData } from './select-tests.js';
import type { StabilityData } from './stability.js';

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

/** Phase `I`'s entry in the record, its data typed. */
export type PhaseEntry<I extends PhaseId> = PhaseResult<PhaseDataMap[I]> & { id: I };

/** The entry of phase `id` in a record (or an iteration of one); undefined when the phase is not in it. */
export function phaseResult<I extends PhaseId>(
  record: Pick<RunRecord, 'phases'>,
  id: I,
): PhaseEntry<I> | undefined {
  return record.phases.find((p) => p.id === id) as PhaseEntry<I> | undefined;
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
  return result.id === id ? (result.data as PhaseDataMap[I] | undefined) : undefined;
}
