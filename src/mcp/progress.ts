/**
 * A run's progress as MCP progress notifications: one when the run starts (it names the run id, so an
 * agent that cancels knows what to resume), and one per phase and per suite start and end. The
 * progress value counts these events; the total is not known in advance (suites retry, tiers stop).
 */

import type { PhaseResult } from '../core/record.js';
import type { ProgressReporter } from '../phases/context.js';

export interface ProgressEvent {
  progress: number;
  message: string;
}

export function progressReporter(
  send: (event: ProgressEvent) => void,
  onRunStarted: (runId: string) => void = () => {},
): ProgressReporter {
  let n = 0;
  const emit = (message: string) => {
    n += 1;
    send({ progress: n, message });
  };
  return {
    runStarted(runId, startPhase) {
      onRunStarted(runId);
      emit(`run ${runId} started${startPhase ? ` at phase ${startPhase}` : ' (nothing left to run)'}`);
    },
    phaseStarted(id, title) {
      emit(`phase ${id} started: ${title}`);
    },
    phaseEnded(result: PhaseResult) {
      emit(
        `phase ${result.id} ${result.state}${result.verdict ? ` (${result.verdict})` : ''}${result.reason ? `: ${result.reason}` : ''}`,
      );
    },
    suiteStarted(id, tier, attempt) {
      emit(`suite ${id} started (tier ${tier}${attempt > 1 ? `, attempt ${attempt}` : ''})`);
    },
    suiteEnded(id, summary, ok) {
      emit(`suite ${id} ${ok ? 'passed' : 'did not pass'}: ${summary}`);
    },
    close() {},
  };
}
