import type { Clock } from '@bnp/auth';

/**
 * The time against which an approver's sign-in is aged. Its own object (not the guard's clock), so the
 * authorisation matrix can make a sign-in eleven minutes old without making its token expire.
 */
export const gateClock: Clock = { now: () => new Date() };

export const GATE_CLOCK = Symbol('GATE_CLOCK');
