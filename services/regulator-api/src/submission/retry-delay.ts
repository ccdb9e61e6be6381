/** Doubling delay from `firstMs`, capped at `maxMs`, for the n-th failed attempt (1-based). */
export function retryDelayMs(attempt: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}
