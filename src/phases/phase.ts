/** The Phase interface: a phase gathers inputs from the context, computes, returns an outcome. */

import type * as z from 'zod';
import type { Finding, PhaseError, PhaseId } from '../core/record.js';
import type { ExecutionState, Verdict } from '../core/states.js';
import type { SectionRenderer } from '../worklog/section.js';
import type { RunContext } from './context.js';

export interface PhaseOutcome<T = unknown> {
  state: ExecutionState;
  verdict?: Verdict;
  reason?: string;
  data?: T;
  findings?: Finding[];
  /** A phase that keeps its data but could not do its job (e.g. Cloud Run unreachable): sets the exit code. */
  error?: PhaseError;
}

export interface Phase<T = unknown> {
  id: PhaseId;
  title: string;
  /** The body of the phase's section in the worklog (section.ts beside the phase). */
  render: SectionRenderer;
  /**
   * The schema of its data, from src/phase-data/<id>.ts: the one a stored record's entry of this phase
   * is checked against when it is loaded (src/phase-data/record.ts; checked equal by a test).
   */
  dataSchema: z.ZodType<T>;
  /** Safe to run as-is under `--dry-run` (reads only). Otherwise `plan` runs, or the phase is skipped. */
  safeInDryRun: boolean;
  /** Earlier phases whose results this one reads. */
  needs: readonly PhaseId[];
  /**
   * It asks where HEAD left the base branch (phases/base.ts): the runner then starts that lookup when
   * the pass over the phases starts, so its git processes run while the suites do.
   */
  asksBaseCommit?: boolean;
  run(ctx: RunContext): Promise<PhaseOutcome<T>>;
  /** Under `--dry-run`: compute what would happen without doing it. */
  plan?(ctx: RunContext): Promise<PhaseOutcome<T>>;
}
