/**
 * At most `limit` attempts per key within `windowMs`; an attempt beyond it learns when to try again.
 * In memory, per process: it caps how fast one client or one enrollment can be probed here, while the
 * database's per-enrollment lockout (FRAUD_ACTIVATION_MAX_ATTEMPTS) holds across instances.
 */
export class SlidingWindowLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts an attempt; returns 0 when allowed, otherwise the seconds until the next one would be. */
  take(key: string, nowMs: number): number {
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > nowMs - this.windowMs);
    if (recent.length >= this.limit) {
      this.attempts.set(key, recent);
      return Math.max(1, Math.ceil((recent[recent.length - this.limit]! + this.windowMs - nowMs) / 1000));
    }
    recent.push(nowMs);
    this.attempts.delete(key); // re-inserted last: the map's order is least recently used first
    this.attempts.set(key, recent);
    if (this.attempts.size > this.maxKeys) this.attempts.delete(this.attempts.keys().next().value!);
    return 0;
  }
}
