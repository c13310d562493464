/**
 * Fake phases: objects implementing `Phase` whose run returns a given outcome (or throws a given
 * error, or does what a function says), noting in `ran` that they ran.
 */
import * as z from 'zod';
import type { PhaseId } from '../../src/core/record.js';
import type { RunContext } from '../../src/phases/context.js';
import type { Phase, PhaseOutcome } from '../../src/phases/phase.js';
import { findingsTable } from '../../src/worklog/section.js';

export type FakeBehaviour = PhaseOutcome | Error | ((ctx: RunContext) => Promise<PhaseOutcome>);

export const ok: PhaseOutcome = { state: 'completed', verdict: 'pass', reason: 'fine' };

/** A phase that returns `outcome` (throws it when it is an Error, calls it when a function). */
export function fakePhase(
  id: PhaseId,
  outcome: FakeBehaviour,
  ran: PhaseId[],
  extra: Partial<Phase> = {},
): Phase {
  return {
    id,
    title: `the ${id} phase`,
    safeInDryRun: true,
    needs: [],
    async run(ctx) {
      ran.push(id);
      if (outcome instanceof Error) throw outcome;
      if (typeof outcome === 'function') return outcome(ctx);
      return outcome;
    },
    ...extra,
    // A fake phase's worklog section is its findings table.
    render: extra.render ?? ((result) => findingsTable(result.findings)),
    dataSchema: extra.dataSchema ?? z.unknown(),
  };
}
