import type { Logger } from 'pino';
import { describeOutage } from './outage';

export interface OutageBackoff {
  /** First pause after an outage was seen (ms). */
  initialMs: number;
  /** Longest pause between two probes (ms). */
  maxMs: number;
}

export interface OutageWaiterOptions {
  backoff?: OutageBackoff;
  /** Tells whether the dependencies are back (e.g. `SELECT 1`); without one, the next attempt is the probe. */
  probe?: () => Promise<unknown>;
  /** A probe that has not answered by then counts as failed. */
  probeTimeoutMs?: number;
}

export const DEFAULT_OUTAGE_BACKOFF: OutageBackoff = { initialMs: 1000, maxMs: 30_000 };
const LOG_EVERY_MS = 30_000;

/** Pause before probe `attempt` (0-based): doubling from initialMs, never above maxMs. */
export function outagePauseMs(attempt: number, { initialMs, maxMs }: OutageBackoff): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** Thrown when the consumer is closed while it waits for a dependency: the message stays uncommitted. */
export class ClosedDuringOutageError extends Error {
  constructor(outage: string) {
    super(`consumer closed while waiting out an outage (${outage}); the message stays uncommitted`);
    this.name = 'ClosedDuringOutageError';
  }
}

/**
 * Waits out a dependency's outage without giving up the message: pauses (doubling, capped), heartbeating
 * every second so the group keeps the partition, then probes with a deadline; returns once a probe answers.
 * It never gives up by itself: an outage is not the message's fault, so there is nothing to dead-letter.
 * Every pause is logged with what was last seen, at most every 30 s.
 */
export class OutageWaiter {
  private readonly backoff: OutageBackoff;

  constructor(
    private readonly options: OutageWaiterOptions,
    private readonly log: Logger,
    private readonly isClosing: () => boolean,
  ) {
    this.backoff = options.backoff ?? DEFAULT_OUTAGE_BACKOFF;
  }

  async waitOut(outage: string, where: Record<string, unknown>, heartbeat: () => Promise<void>): Promise<void> {
    const started = Date.now();
    let seen = outage;
    let logged = 0;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() - logged >= LOG_EVERY_MS) {
        logged = Date.now();
        this.log.warn(
          { ...where, outage: seen, waitedMs: logged - started },
          'dependency unavailable; holding the message uncommitted until it is back',
        );
      }
      await this.pause(outagePauseMs(attempt, this.backoff), seen, heartbeat);
      const problem = await this.probe();
      if (problem === undefined) {
        this.log.info({ ...where, outage: seen, waitedMs: Date.now() - started }, 'dependency back; resuming');
        return;
      }
      seen = problem;
    }
  }

  /** undefined when the dependencies answer; otherwise what was seen. */
  private async probe(): Promise<string | undefined> {
    if (!this.options.probe) return undefined;
    const timeoutMs = this.options.probeTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`probe did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.options.probe(), deadline]);
      return undefined;
    } catch (error) {
      return describeOutage(error) ?? (error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private async pause(ms: number, outage: string, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      if (this.isClosing()) throw new ClosedDuringOutageError(outage);
      const remaining = until - Date.now();
      if (remaining <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, 1000)));
      await heartbeat();
    }
  }
}
