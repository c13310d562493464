/**
 * The vocabulary of a run, defined once. Everything that speaks of lifecycle, outcome or decision
 * imports these; nothing else declares a state enum.
 */

/** Lifecycle of a run, a phase or a suite. */
export const EXECUTION_STATES = [
  'pending',
  'running',
  'completed',
  'errored',
  'timed_out',
  'skipped',
  'cancelled',
] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

/** Outcome of an assessment (gate, criterion, suite, audit). Unknown is never pass. */
export const VERDICTS = ['pass', 'fail', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The stability engine's answer. */
export const DECISIONS = ['proceed', 'defer'] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * Precedence for roll-ups, worst first. A roll-up of several verdicts is the worst of them, so one
 * `fail` beats any number of `pass`, and `inconclusive` beats `pass` (unknown is never pass).
 */
const VERDICT_PRECEDENCE: readonly Verdict[] = ['fail', 'inconclusive', 'pass'];

/**
 * Precedence for execution states, worst first: could-not-run states outrank finished ones.
 * `skipped` ranks above `completed` only so that "everything skipped" is not reported as done work.
 */
const STATE_PRECEDENCE: readonly ExecutionState[] = [
  'errored',
  'timed_out',
  'cancelled',
  'running',
  'pending',
  'skipped',
  'completed',
];

function worstBy<T>(order: readonly T[], values: Iterable<T>, empty: T): T {
  let worstIndex = Number.POSITIVE_INFINITY;
  let seen = false;
  for (const v of values) {
    seen = true;
    const i = order.indexOf(v);
    if (i < worstIndex) worstIndex = i;
  }
  return seen ? (order[worstIndex] ?? empty) : empty;
}

/** The worst verdict of several; no verdicts at all is `inconclusive` (nothing was measured). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  return worstBy(VERDICT_PRECEDENCE, verdicts, 'inconclusive');
}

/** Orders verdicts worst first (for sorting lines so that the one that decided comes first). */
export function compareVerdicts(a: Verdict, b: Verdict): number {
  return VERDICT_PRECEDENCE.indexOf(a) - VERDICT_PRECEDENCE.indexOf(b);
}

/** The worst execution state of several; none at all is `skipped`. */
export function worstState(states: Iterable<ExecutionState>): ExecutionState {
  return worstBy(STATE_PRECEDENCE, states, 'skipped');
}

/** True for states after which a unit will not change again. */
export function isFinal(state: ExecutionState): boolean {
  return state !== 'pending' && state !== 'running';
}
