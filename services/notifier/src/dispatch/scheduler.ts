import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '@bnp/observability';
import { pgPoolOf } from '@bnp/persistence';
import type { NotifierConfig } from '../config';
import { NoticeService } from '../notice/notice.service';
import { WORK_CHANNEL, WorkSignal } from '../shared/work-signal';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { DispatchService, type Claimed } from './dispatch.service';
import { isQuiet } from './quiet-hours';
import { SendBudget } from './send-budget';

/** How far ahead of now the SMS lane books the shared budget before it claims more (keeps priority fresh). */
const LOOKAHEAD_MS = 1000;
/** Each SMS claim takes about this much sending time: large enough that claiming keeps ahead of sending. */
const BATCH_WINDOW_MS = 1000;
/** Rows per claim at most (one transaction renders and records each attempt). */
const MAX_CLAIM = 1000;
const HOUSEKEEPING_MS = 1000;
const MIN_CLAIM_GAP_MS = 50;
/** Claimed deliveries whose answers are still being written, at most (bounds memory if the database is slow). */
const MAX_UNFINISHED = 2000;
const STATUS_POLL_EVERY_MS = 30_000;
/** Emails handed to each SMTP connection at once (the one being sent and the ones queued behind it). */
const EMAILS_QUEUED_PER_CONNECTION = 4;

/**
 * Sends from the queue the consumers fill, in priority order, within the shared segments-per-second
 * budget. Two lanes (SMS, email) claim with SKIP LOCKED, so any number of instances can run; a
 * housekeeping loop releases expired enrollment waits, expires leases of stopped instances and polls
 * statuses whose callbacks never came. Woken by NOTIFY on new work, with polling as a fallback.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private listener?: PoolClient;
  private readonly workWaiters = new Set<() => void>();
  private readonly stopWaiters = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly emailInFlight = new Set<Promise<void>>();
  /** Claimed sends waiting for their slot: the claim's delivery and lease (its fencing token, ADR 0011). */
  private readonly pendingTimers = new Map<NodeJS.Timeout, { deliveryId: string; leaseId: string }>();
  private bookedUntil = 0;
  /** SMS sends between their request slot and Twilio's answer (permit, then the create call). */
  private requests = 0;
  private unsubscribe?: () => void;
  private readonly signalled = { sms: false, email: false };
  private averageSegments = 3;
  private readonly log: Logger;

  constructor(
    private readonly dispatch: DispatchService,
    private readonly notices: NoticeService,
    private readonly budget: SendBudget,
    private readonly dataSource: DataSource,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly work: WorkSignal,
  ) {
    this.log = logger.child({ component: 'scheduler' });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.NOTIFIER_SCHEDULER_ENABLED) return;
    await this.budget.init();
    // Whatever this instance had in flight before a restart has an unknown outcome now.
    await this.dispatch.expireLeases(this.config.NOTIFIER_INSTANCE_ID);
    this.listener = await pgPoolOf(this.dataSource).connect();
    // Other instances' signals; this instance's own come through WorkSignal directly.
    this.listener.on('notification', (message) => {
      if (message.payload !== this.config.NOTIFIER_INSTANCE_ID) this.wake();
    });
    this.unsubscribe = this.work.onWork(() => this.wake());
    await this.listener.query(`LISTEN "${WORK_CHANNEL}"`);
    this.running = true;
    this.loops.push(
      this.guard('sms', () => this.smsLane()),
      this.guard('email', () => this.emailLane()),
      this.guard('housekeeping', () => this.housekeeping()),
    );
    this.log.info(
      { instance: this.config.NOTIFIER_INSTANCE_ID, segmentsPerSecond: this.budget.segmentsPerSecond },
      'scheduler started',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.running) {
      this.dispatch.close();
      return;
    }
    this.running = false;
    this.unsubscribe?.();
    for (const waiter of [...this.stopWaiters]) waiter();
    await Promise.allSettled(this.loops);
    // Claimed but not yet sent: give back at once rather than wait for the lease.
    const unsent = [...this.pendingTimers.entries()];
    for (const [timer] of unsent) clearTimeout(timer);
    this.pendingTimers.clear();
    await Promise.allSettled([...this.inFlight, ...this.emailInFlight]);
    await this.dispatch.flush();
    await this.dispatch.releaseUnsent(unsent.map(([, claim]) => claim));
    if (this.listener) {
      await this.listener.query(`UNLISTEN "${WORK_CHANNEL}"`).catch(() => undefined);
      this.listener.release();
    }
    this.dispatch.close();
    this.log.info('scheduler stopped');
  }

  /**
   * Keeps between LOOKAHEAD_MS and LOOKAHEAD_MS + BATCH_WINDOW_MS of the shared budget booked ahead of
   * the send horizon (now + TWILIO_SEND_LEAD_MS), one claim per window: at 500 segments/s that is one
   * claim of ~200 messages a second, not a claim per freed request slot. Requests in flight are capped
   * separately, when each send starts.
   */
  private async smsLane(): Promise<void> {
    const msPerSegment = this.budget.msPerSegment();
    while (this.running) {
      const ahead = this.bookedUntil - (Date.now() + this.config.TWILIO_SEND_LEAD_MS);
      if (ahead > LOOKAHEAD_MS) {
        await this.sleep(ahead - LOOKAHEAD_MS);
        continue;
      }
      // Claimed deliveries not yet finished (booked, in flight, or writing their answer) bound memory.
      const free = MAX_UNFINISHED - this.inFlight.size - this.pendingTimers.size;
      if (free <= 0) {
        await this.sleep(5);
        continue;
      }
      const window = LOOKAHEAD_MS + BATCH_WINDOW_MS - Math.max(0, ahead);
      const batch = Math.max(1, Math.min(free, MAX_CLAIM, Math.ceil(window / msPerSegment / this.averageSegments)));
      const claimed = await this.dispatch.claim('sms', batch, isQuiet(this.config.quietHours, new Date()));
      if (claimed.length === 0) {
        await this.waitForWork('sms');
        continue;
      }
      const ready: { claimed: Claimed; body: Extract<Claimed['rendered'], { channel: 'sms' }> }[] = [];
      for (const item of claimed) {
        if (item.rendered?.channel === 'sms') ready.push({ claimed: item, body: item.rendered });
        else this.track(this.inFlight, this.reconcileThenSend(item));
      }
      await this.sendPaced(
        ready.map(({ claimed: item, body }) => ({
          claim: { deliveryId: item.row.delivery_id, leaseId: item.row.lease_id },
          segments: body.segments,
          send: () => this.withRequestSlot(() => this.dispatch.sendSms(item.row, body)),
        })),
      );
    }
  }

  /** At most TWILIO_MAX_CONCURRENCY create calls of this instance wait for Twilio at once. */
  private async withRequestSlot(send: () => Promise<void>): Promise<void> {
    while (this.requests >= this.config.TWILIO_MAX_CONCURRENCY && this.running) await this.sleep(2);
    // Taken before the send's first await (its permit), so sends waiting together cannot all pass the check.
    this.requests += 1;
    try {
      await send();
    } finally {
      this.requests -= 1;
    }
  }

  /**
   * Reserves the batch's segments in the shared budget and spaces the sends at the sender's rate, each
   * TWILIO_SEND_LEAD_MS ahead of its slot (Twilio's queue holds the difference).
   */
  private async sendPaced(
    messages: { claim: { deliveryId: string; leaseId: string }; segments: number; send: () => Promise<void> }[],
  ): Promise<void> {
    if (messages.length === 0) return;
    const msPerSegment = this.budget.msPerSegment();
    const total = messages.reduce((sum, message) => sum + message.segments, 0);
    this.averageSegments = this.averageSegments * 0.8 + (total / messages.length) * 0.2;
    const delay = await this.budget.reserve(total);
    const start = Date.now() + delay;
    let offset = 0;
    for (const message of messages) {
      const at = start + offset - this.config.TWILIO_SEND_LEAD_MS;
      offset += message.segments * msPerSegment;
      const wait = at - Date.now();
      if (wait <= 0) {
        this.track(this.inFlight, message.send());
        continue;
      }
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        this.track(this.inFlight, message.send());
      }, wait);
      this.pendingTimers.set(timer, message.claim);
    }
    this.bookedUntil = Math.max(this.bookedUntil, start + offset);
  }

  private async reconcileThenSend(item: Claimed): Promise<void> {
    const message = await this.dispatch.reconcile(item.row);
    if (!message) return;
    if (message.channel === 'sms') {
      await this.sendPaced([
        {
          claim: { deliveryId: item.row.delivery_id, leaseId: item.row.lease_id },
          segments: message.segments,
          send: () => this.withRequestSlot(() => this.dispatch.sendSms(item.row, message)),
        },
      ]);
    } else {
      await this.dispatch.sendEmail(item.row, message);
    }
  }

  /**
   * Keeps every pooled SMTP connection busy with a few messages queued behind the one it is sending,
   * and claims in batches of at least half that window (one claim transaction per batch, not per mail).
   */
  private async emailLane(): Promise<void> {
    const limit = this.config.SMTP_POOL_SIZE * EMAILS_QUEUED_PER_CONNECTION;
    while (this.running) {
      const free = limit - this.emailInFlight.size;
      if (free < limit / 2 && this.emailInFlight.size > 0) {
        await Promise.race(this.emailInFlight);
        continue;
      }
      const claimed = await this.dispatch.claim(
        'email',
        Math.min(free, MAX_CLAIM),
        isQuiet(this.config.quietHours, new Date()),
      );
      if (claimed.length === 0) {
        await this.waitForWork('email');
        continue;
      }
      for (const item of claimed) {
        if (item.rendered?.channel === 'email')
          this.track(this.emailInFlight, this.dispatch.sendEmail(item.row, item.rendered));
        else this.track(this.emailInFlight, this.reconcileThenSend(item));
      }
    }
  }

  private async housekeeping(): Promise<void> {
    let lastPoll = Date.now();
    while (this.running) {
      await this.sleep(HOUSEKEEPING_MS);
      if (!this.running) break;
      try {
        while ((await this.notices.expireEnrollmentWaits()) > 0 && this.running);
        await this.dispatch.expireLeases(null);
        await this.dispatch.wipeSpentOneTimeCodes();
        if (Date.now() - lastPoll >= Math.min(STATUS_POLL_EVERY_MS, this.config.NOTIFIER_STATUS_POLL_AFTER_MS)) {
          lastPoll = Date.now();
          await this.dispatch.pollSilentMessages();
        }
      } catch (error) {
        this.log.error({ err: error }, 'housekeeping pass failed; retrying');
      }
    }
  }

  /** Keeps a lane alive across database or provider hiccups: log, back off, go on. */
  private async guard(name: string, lane: () => Promise<void>): Promise<void> {
    while (this.running) {
      try {
        await lane();
      } catch (error) {
        this.log.error({ err: error, lane: name }, 'scheduler lane failed; restarting');
        await this.sleep(1000);
      }
    }
  }

  private track(set: Set<Promise<void>>, work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      // The attempt is recorded and leased: if its answer could not be written, the lease runs out
      // and reconciliation settles it. Nothing is lost by logging here.
      this.log.error({ err: error }, 'send failed to record its outcome; the lease will expire and reconcile it');
    });
    set.add(tracked);
    void tracked.finally(() => set.delete(tracked));
  }

  private wake(): void {
    this.signalled.sms = true;
    this.signalled.email = true;
    for (const waiter of [...this.workWaiters]) waiter();
  }

  /** Returns at once if work was signalled since the last claim began; otherwise waits for a signal or the poll interval. */
  private async waitForWork(lane: 'sms' | 'email'): Promise<void> {
    const since = Date.now();
    if (!this.signalled[lane]) await this.sleep(this.config.NOTIFIER_POLL_INTERVAL_MS, true);
    this.signalled[lane] = false;
    // Recording wakes the lanes after every batch it commits: claim at most every MIN_CLAIM_GAP_MS
    // while the queue is empty, instead of once per batch of events.
    const gap = MIN_CLAIM_GAP_MS - (Date.now() - since);
    if (gap > 0 && this.running) await this.sleep(gap);
  }

  /** Sleeps `ms`; ends early on shutdown, and on new work when `wakeOnWork`. */
  private sleep(ms: number, wakeOnWork = false): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.workWaiters.delete(done);
        this.stopWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.stopWaiters.add(done);
      if (wakeOnWork) this.workWaiters.add(done);
    });
  }
}
