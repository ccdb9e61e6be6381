// Counters a benchmark reads from GET /__admin/stats. Throughput is recorded per sender at the
// moment a message leaves its queue, with per-second buckets so achieved segments/second can be
// computed over any window, not only the whole run.

const MAX_BUCKETS = 3600;

export interface SenderThroughput {
  segmentsSent: number;
  messagesSent: number;
  firstSentAt: number | null;
  lastSentAt: number | null;
  /** Segments over the time between the first and the last release (null until two releases). */
  achievedSegmentsPerSecond: number | null;
  /** [unix second, segments released in it], oldest first, at most one hour. */
  perSecond: Array<[number, number]>;
}

interface SenderCounters {
  segmentsSent: number;
  messagesSent: number;
  firstSentAt: number | null;
  lastSentAt: number | null;
  lastSegments: number;
  buckets: Map<number, number>;
}

export class Stats {
  startedAt = Date.now();
  readonly requests = { create: 0, fetch: 0, list: 0 };
  created = 0;
  rejected = new Map<number, number>();
  readonly callbacks = { attempted: 0, succeeded: 0, failed: 0, retried: 0, lost: 0 };
  concurrencyRejected = 0;
  private senders = new Map<string, SenderCounters>();

  reject(code: number): void {
    this.rejected.set(code, (this.rejected.get(code) ?? 0) + 1);
  }

  recordRelease(sender: string, segments: number, at: number): void {
    let s = this.senders.get(sender);
    if (!s) {
      s = {
        segmentsSent: 0,
        messagesSent: 0,
        firstSentAt: null,
        lastSentAt: null,
        lastSegments: 0,
        buckets: new Map(),
      };
      this.senders.set(sender, s);
    }
    s.segmentsSent += segments;
    s.messagesSent += 1;
    s.firstSentAt ??= at;
    s.lastSentAt = at;
    s.lastSegments = segments;
    const second = Math.floor(at / 1000);
    s.buckets.set(second, (s.buckets.get(second) ?? 0) + segments);
    if (s.buckets.size > MAX_BUCKETS) {
      const oldest = s.buckets.keys().next();
      if (!oldest.done) s.buckets.delete(oldest.value);
    }
  }

  sender(sender: string): SenderThroughput | undefined {
    const s = this.senders.get(sender);
    if (!s) return undefined;
    const span = (s.lastSentAt ?? 0) - (s.firstSentAt ?? 0);
    return {
      segmentsSent: s.segmentsSent,
      messagesSent: s.messagesSent,
      firstSentAt: s.firstSentAt,
      lastSentAt: s.lastSentAt,
      // The last message's segments are still "on the wire" at lastSentAt, so they are not in the span.
      achievedSegmentsPerSecond: span > 0 ? ((s.segmentsSent - s.lastSegments) * 1000) / span : null,
      perSecond: [...s.buckets.entries()],
    };
  }

  senderNames(): string[] {
    return [...this.senders.keys()];
  }

  reset(): void {
    this.startedAt = Date.now();
    this.requests.create = this.requests.fetch = this.requests.list = 0;
    this.created = 0;
    this.rejected = new Map();
    for (const key of Object.keys(this.callbacks) as Array<keyof Stats['callbacks']>) this.callbacks[key] = 0;
    this.concurrencyRejected = 0;
    this.senders = new Map();
  }
}
