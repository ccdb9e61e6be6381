// Status callbacks: form-encoded POSTs to the message's StatusCallback, signed like Twilio signs
// them (X-Twilio-Signature = HMAC-SHA1 over URL + sorted params, keyed with the auth token), so the
// notifier's real signature check runs against them. One retry on failure, as Twilio does.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import twilio from 'twilio';
import type { CallbackSettings } from './config';
import type { Faults } from './faults';
import { API_VERSION, type MessageStatus, type StoredMessage } from './message';
import type { Stats } from './stats';

interface Job {
  url: string;
  params: Record<string, string>;
  /** Twilio sends the same idempotency token on a retry of the same callback. */
  idempotencyToken: string;
  /** Posted only after this job has finished (reordered 'sent' after the final status). */
  then?: Job;
}

export interface CallbackDispatcherOptions {
  authToken: string;
  settings: CallbackSettings;
  faults: Faults;
  stats: Stats;
  logger: Logger;
}

/** YYMMDDhhmm in UTC, the carrier's DLR "done date". */
export function rawDlrDoneDate(ms: number): string {
  return new Date(ms).toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d).*$/, '$1$2$3$4$5');
}

export function callbackParams(m: StoredMessage, status: MessageStatus, at: number): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: API_VERSION,
    From: m.fromNumber,
    MessageSid: m.sid,
    MessageStatus: status,
    SmsSid: m.sid,
    SmsStatus: status,
    To: m.to,
  };
  if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
  if ((status === 'failed' || status === 'undelivered') && m.errorCode !== null) params.ErrorCode = String(m.errorCode);
  if (status === 'delivered' || status === 'undelivered') params.RawDlrDoneDate = rawDlrDoneDate(at);
  return params;
}

export class CallbackDispatcher {
  private readonly waiting: Job[] = [];
  private waitingHead = 0;
  private running = 0;
  private readonly held = new Map<string, Job>();
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();
  private abort = new AbortController();

  constructor(private readonly options: CallbackDispatcherOptions) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** Reports a status change of `m`; decides whether, when and in which order Twilio would call back. */
  notify(m: StoredMessage, status: MessageStatus, at: number): void {
    if (!m.statusCallback) return;
    if (status === 'accepted' || (status === 'sending' && !this.options.settings.includeSending)) return;
    const job: Job = { url: m.statusCallback, params: callbackParams(m, status, at), idempotencyToken: randomUUID() };
    if (status === 'sent' && m.reorderCallbacks) {
      this.held.set(m.sid, job);
      return;
    }
    const heldSent = this.held.get(m.sid);
    if (heldSent) {
      this.held.delete(m.sid);
      job.then = heldSent;
    }
    this.submit(job);
  }

  /** Drops everything queued or held and aborts callbacks in flight. */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.waiting.length = 0;
    this.waitingHead = 0;
    this.held.clear();
    // Wake sleeping retries so they see the abort and finish; a cleared timer alone would leave them pending.
    for (const [timer, wake] of this.sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.sleepers.clear();
  }

  private submit(job: Job): void {
    if (this.options.faults.fire('callbackLoss')) {
      this.options.stats.callbacks.lost += 1;
      if (job.then) this.submit(job.then);
      return;
    }
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.options.settings.concurrency && this.waitingHead < this.waiting.length) {
      const job = this.waiting[this.waitingHead++];
      if (!job) break;
      this.running += 1;
      const { signal } = this.abort; // a reset replaces the controller; this job belongs to the old one
      void this.deliver(job, signal).finally(() => {
        this.running -= 1;
        if (job.then && !signal.aborted) this.submit(job.then);
        this.pump();
      });
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    }
  }

  private async deliver(job: Job, cancelled: AbortSignal): Promise<void> {
    const { stats } = this.options;
    if (await this.post(job, cancelled)) return;
    if (cancelled.aborted) return;
    stats.callbacks.retried += 1;
    await this.sleep(this.options.settings.retryDelayMs);
    if (cancelled.aborted) return;
    await this.post(job, cancelled);
  }

  private async post(job: Job, cancelled: AbortSignal): Promise<boolean> {
    const { stats, authToken, settings, logger } = this.options;
    stats.callbacks.attempted += 1;
    const signature = twilio.getExpectedTwilioSignature(authToken, job.url, job.params);
    try {
      const response = await fetch(job.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'x-twilio-signature': signature,
          'i-twilio-idempotency-token': job.idempotencyToken,
          'user-agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(job.params).toString(),
        signal: AbortSignal.any([cancelled, AbortSignal.timeout(settings.timeoutMs)]),
      });
      await response.arrayBuffer(); // free the keep-alive socket
      if (response.ok) {
        stats.callbacks.succeeded += 1;
        return true;
      }
      logger.debug({ url: job.url, status: response.status }, 'status callback answered non-2xx');
    } catch (error) {
      logger.debug({ url: job.url, err: error }, 'status callback failed');
    }
    stats.callbacks.failed += 1;
    return false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.sleepers.set(timer, resolve);
    });
  }
}
