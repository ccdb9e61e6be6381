import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** How long a care code works: long enough to read it off a phone during the call, no longer. */
export const CARE_CODE_TTL_MS = 10 * 60_000;
/** Wrong readings of one code before it stops working (a guess succeeds with at most 5 in a million). */
export const MAX_CODE_ATTEMPTS = 5;
/** Care codes texted to one person within CODE_WINDOW_MS, by every agent and instance together. */
export const MAX_CODES_PER_WINDOW = 3;
export const CODE_WINDOW_MS = 60 * 60_000;

/** A fresh 6-digit care code, uniformly drawn (leading zeros kept). */
export function newCareCode(draw: (max: number) => number = randomInt): string {
  return String(draw(1_000_000)).padStart(6, '0');
}

/**
 * What is kept of a code at rest: an HMAC bound to its verification, so the table never holds a code
 * and one verification's digest says nothing about another's.
 */
export function codeDigest(key: Buffer, verificationId: string, code: string): Buffer {
  return createHmac('sha256', key).update(`care-code:${verificationId}:${code}`).digest();
}

export interface VerificationState {
  expiresAt: Date;
  attempts: number;
  verifiedAt: Date | null;
  digest: Buffer;
}

export type ConfirmOutcome = 'verified' | 'already-verified' | 'expired' | 'locked' | 'wrong';

/** What reading `presented` (its digest) back does to a verification at `now`. Pure. */
export function confirmOutcome(state: VerificationState, presented: Buffer, now: Date): ConfirmOutcome {
  if (state.verifiedAt) return 'already-verified';
  if (state.attempts >= MAX_CODE_ATTEMPTS) return 'locked';
  if (state.expiresAt <= now) return 'expired';
  return presented.length === state.digest.length && timingSafeEqual(presented, state.digest) ? 'verified' : 'wrong';
}

/**
 * Whether another code may be texted to the person, given when the codes of the window were issued; if
 * not, how long until the oldest leaves the window (for Retry-After).
 */
export function issueDecision(
  issuedInWindow: Date[],
  now: Date,
): { allowed: true } | { allowed: false; retryAfterMs: number } {
  const recent = issuedInWindow.filter((at) => now.getTime() - at.getTime() < CODE_WINDOW_MS);
  if (recent.length < MAX_CODES_PER_WINDOW) return { allowed: true };
  const oldest = Math.min(...recent.map((at) => at.getTime()));
  return { allowed: false, retryAfterMs: oldest + CODE_WINDOW_MS - now.getTime() };
}

/** A code as the caller reads it: digits only ("123 456", "123-456" are fine). */
export function normaliseReadCode(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}
