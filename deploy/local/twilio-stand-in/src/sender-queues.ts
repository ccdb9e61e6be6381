// Per-sender outbound queues drained at a fixed number of segments per second, like Twilio's
// per-From / per-Messaging-Service queues. Each sender keeps a virtual clock (the time it is free
// again): a message leaves at max(free-at, the time it was queued). So a sender that had work
// waiting is never slowed by this process's own timers or CPU (a late drain releases at the times
// Twilio would have), while an idle sender cannot bank credit for a burst.

interface Entry {
  sid: string;
  segments: number;
  queuedAt: number;
  cancelled: boolean;
}

interface Queue {
  entries: Entry[];
  head: number;
  bySid: Map<string, Entry>;
  queuedSegments: number;
  freeAt: number;
  cancelPending: (() => void) | undefined;
}

export interface SenderQueuesOptions {
  segmentsPerSecond: number;
  /** Called when a message leaves the queue (is handed to the "carrier"). */
  onRelease: (sid: string, sender: string, releasedAt: number) => void;
  now?: () => number;
}

const COMPACT_AFTER = 1024;

export class SenderQueues {
  private readonly queues = new Map<string, Queue>();
  private readonly now: () => number;

  constructor(private readonly options: SenderQueuesOptions) {
    this.now = options.now ?? Date.now;
  }

  enqueue(sender: string, sid: string, segments: number): void {
    const q = this.queue(sender);
    const entry: Entry = { sid, segments, queuedAt: this.now(), cancelled: false };
    q.entries.push(entry);
    q.bySid.set(sid, entry);
    q.queuedSegments += segments;
    // Drain on the next turn of the event loop, so the create response still shows 'queued'.
    if (!q.cancelPending) this.schedule(sender, q, 0);
  }

  /** Removes a waiting message (validity expired). Returns false if it already left the queue. */
  cancel(sender: string, sid: string): boolean {
    const q = this.queues.get(sender);
    const entry = q?.bySid.get(sid);
    if (!q || !entry) return false;
    entry.cancelled = true;
    q.bySid.delete(sid);
    q.queuedSegments -= entry.segments;
    return true;
  }

  /** How long a message enqueued now would wait before it starts to leave. */
  estimatedWaitMs(sender: string): number {
    const q = this.queues.get(sender);
    if (!q) return 0;
    const now = this.now();
    return Math.max(0, q.freeAt - now) + (q.queuedSegments * 1000) / this.options.segmentsPerSecond;
  }

  queuedSegments(sender: string): number {
    return this.queues.get(sender)?.queuedSegments ?? 0;
  }

  depth(sender: string): number {
    return this.queues.get(sender)?.bySid.size ?? 0;
  }

  senders(): string[] {
    return [...this.queues.keys()];
  }

  clear(): void {
    for (const q of this.queues.values()) q.cancelPending?.();
    this.queues.clear();
  }

  private queue(sender: string): Queue {
    let q = this.queues.get(sender);
    if (!q) {
      q = { entries: [], head: 0, bySid: new Map(), queuedSegments: 0, freeAt: 0, cancelPending: undefined };
      this.queues.set(sender, q);
    }
    return q;
  }

  private schedule(sender: string, q: Queue, delayMs: number): void {
    if (delayMs <= 0) {
      const handle = setImmediate(() => this.drain(sender, q));
      q.cancelPending = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(() => this.drain(sender, q), delayMs);
      handle.unref();
      q.cancelPending = () => clearTimeout(handle);
    }
  }

  private drain(sender: string, q: Queue): void {
    q.cancelPending = undefined;
    if (this.queues.get(sender) !== q) return; // cleared meanwhile
    const now = this.now();
    const msPerSegment = 1000 / this.options.segmentsPerSecond;
    for (let entry = q.entries[q.head]; entry !== undefined; entry = q.entries[q.head]) {
      if (entry.cancelled) {
        q.head++;
        continue;
      }
      const start = Math.max(q.freeAt, entry.queuedAt);
      if (start > now) {
        this.schedule(sender, q, start - now);
        break;
      }
      q.head++;
      q.bySid.delete(entry.sid);
      q.queuedSegments -= entry.segments;
      q.freeAt = start + entry.segments * msPerSegment;
      this.options.onRelease(entry.sid, sender, start);
    }
    if (q.head > COMPACT_AFTER && q.head * 2 > q.entries.length) {
      q.entries = q.entries.slice(q.head);
      q.head = 0;
    }
  }
}
