// Time for the app and jobs, injected so that tests step it to the millisecond.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
