/** How a service's outbox treats a row the broker refuses for itself (not for an outage). */
export interface PoisonRowPolicy {
  /** Failed attempts after which the row is parked. */
  maxAttempts: number;
  /** Delay after the first failure; doubles with each further one. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_POISON_ROW_POLICY: PoisonRowPolicy = { maxAttempts: 8, initialDelayMs: 1000, maxDelayMs: 300_000 };

export type FailedRowStep = { park: true } | { park: false; retryInMs: number };

/**
 * What happens to a row after its `attempts`-th failed attempt (1-based): another try after a doubling delay,
 * or parking once `maxAttempts` is reached. With the defaults a row is parked about two minutes after its
 * first failure (1+2+4+...+64 s).
 */
export function nextStepForFailedRow(attempts: number, policy: PoisonRowPolicy): FailedRowStep {
  if (attempts >= policy.maxAttempts) return { park: true };
  const retryInMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempts - 1, 30));
  return { park: false, retryInMs };
}
