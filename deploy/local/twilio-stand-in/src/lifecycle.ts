// Drives each accepted message through Twilio's states:
//   [accepted ->] queued -> (rate-limited queue) -> sending -> sent -> delivered | undelivered
//   or ... -> sending -> failed (30008), queued -> failed (30036 validity expired),
//   accepted -> failed (30001 Messaging Service queue overflow).
import type { CallbackDispatcher } from './callbacks';
import type { StandInConfig } from './config';
import { ASYNC_ERRORS, type AsyncErrorCode } from './errors';
import { FINAL_STATUSES, type MessageStatus, type StoredMessage } from './message';
import type { SenderQueues } from './sender-queues';
import type { MessageStore } from './store';
import type { Stats } from './stats';

export interface LifecycleDeps {
  config: StandInConfig;
  store: MessageStore;
  queues: SenderQueues;
  callbacks: CallbackDispatcher;
  stats: Stats;
}

export class Lifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: LifecycleDeps) {}

  /** Would a message of `segments` overflow `sender`'s queue right now? (21611 / 30001) */
  wouldOverflow(sender: string, segments: number): boolean {
    const { queues, config } = this.deps;
    if (config.maxQueueSegments !== null && queues.queuedSegments(sender) + segments > config.maxQueueSegments) {
      return true;
    }
    return queues.estimatedWaitMs(sender) > config.maxQueueSeconds * 1000;
  }

  /** A freshly created message: 'queued' (From) or 'accepted' (Messaging Service). */
  admit(m: StoredMessage): void {
    if (m.status === 'accepted') this.later(0, () => this.assignSender(m));
    else this.enqueue(m);
  }

  /** Picks a state's next step again after a restart; final messages are left alone. */
  resume(m: StoredMessage): void {
    const status: MessageStatus = m.status;
    switch (status) {
      case 'accepted':
        return this.admit(m);
      case 'queued':
        return this.enqueue(m);
      case 'sending':
        return this.later(this.deps.config.sentDelayMs, () => this.afterSending(m));
      case 'sent':
        return this.later(this.deps.config.deliveredDelayMs, () => this.finish(m));
      case 'delivered':
      case 'undelivered':
      case 'failed':
        return;
    }
  }

  /** Called by the sender queue when the message's turn comes. */
  release(sid: string, releasedAt: number): void {
    const m = this.deps.store.get(sid);
    if (!m || m.status !== 'queued') return;
    this.clearExpiry(sid);
    if (Date.now() - m.dateCreated > m.validityPeriodSeconds * 1000) return this.fail(m, 30036);
    this.deps.stats.recordRelease(m.sender, m.segments, releasedAt);
    this.transition(m, 'sending');
    this.later(this.deps.config.sentDelayMs, () => this.afterSending(m));
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.expiries.values()) clearTimeout(t);
    this.expiries.clear();
  }

  private assignSender(m: StoredMessage): void {
    if (this.wouldOverflow(m.sender, m.segments)) return this.fail(m, 30001);
    m.senderAssigned = true;
    this.transition(m, 'queued');
    this.enqueue(m);
  }

  private enqueue(m: StoredMessage): void {
    const expiresIn = m.dateCreated + m.validityPeriodSeconds * 1000 - Date.now();
    if (expiresIn <= 0) return this.fail(m, 30036);
    this.deps.queues.enqueue(m.sender, m.sid, m.segments);
    const timer = setTimeout(() => {
      this.expiries.delete(m.sid);
      if (this.deps.queues.cancel(m.sender, m.sid)) this.fail(m, 30036);
    }, expiresIn);
    timer.unref();
    this.expiries.set(m.sid, timer);
  }

  private afterSending(m: StoredMessage): void {
    if (m.fate.outcome === 'failed') return this.fail(m, m.fate.errorCode as AsyncErrorCode);
    m.dateSent = Date.now();
    m.price = (-m.segments * this.deps.config.pricePerSegment).toFixed(5);
    this.transition(m, 'sent');
    this.later(this.deps.config.deliveredDelayMs, () => this.finish(m));
  }

  private finish(m: StoredMessage): void {
    const { fate } = m;
    if (fate.outcome === 'delivered') return this.transition(m, 'delivered');
    m.errorCode = fate.errorCode;
    m.errorMessage = ASYNC_ERRORS[fate.errorCode as AsyncErrorCode] ?? null;
    this.transition(m, fate.outcome, fate.errorCode);
  }

  private fail(m: StoredMessage, code: AsyncErrorCode): void {
    this.clearExpiry(m.sid);
    m.errorCode = code;
    m.errorMessage = ASYNC_ERRORS[code];
    this.transition(m, 'failed', code);
  }

  private transition(m: StoredMessage, status: MessageStatus, errorCode: number | null = null): void {
    if (FINAL_STATUSES.has(m.status)) return;
    const change = this.deps.store.setStatus(m, status, Date.now(), errorCode);
    this.deps.callbacks.notify(m, status, change.at);
  }

  private clearExpiry(sid: string): void {
    const timer = this.expiries.get(sid);
    if (timer) clearTimeout(timer);
    this.expiries.delete(sid);
  }

  private later(ms: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
