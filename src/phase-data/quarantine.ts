/**
 * The playbook's quarantine as phase 2 applied it to a run (part of `RunTestsData`); computed by
 * src/history/quarantine.ts.
 */
import type { QuarantineEntry } from '../playbook/sections/history.js';

export interface QuarantineEntryState extends QuarantineEntry {
  expired: boolean;
  /** Tests of this run the entry matched. */
  matched: number;
  /** Set when every matched test passed on the first attempt in the last `cleanAfter` runs. */
  passingAgain?: number;
}

export interface QuarantinedFailure {
  id: string;
  label: string;
  suiteId: string;
  status: 'failed' | 'errored';
  /** The entry's `test` (id or glob) that matched. */
  entry: string;
  owner: string;
  reason: string;
  until: string;
  /** False: not counted in gates or the decision. True: counted again, `why` says why. */
  counted: boolean;
  why?: string;
}

export interface QuarantineData {
  entries: QuarantineEntryState[];
  /** Every failing test an entry matched, counted or not. */
  failures: QuarantinedFailure[];
  /** Failures not counted in gates and the decision. */
  notCounted: number;
}
