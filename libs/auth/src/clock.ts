/** The time as the guard sees it. Injected so a test can present a token after it expired without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const AUTH_CLOCK = Symbol('AUTH_CLOCK');
