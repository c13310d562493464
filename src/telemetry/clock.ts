/** Time comes in through the RunContext so that tests and snapshots can fix it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
