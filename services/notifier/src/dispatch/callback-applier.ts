import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { WorkSignal } from '../shared/work-signal';
import { CallbackInbox } from './callback-inbox';
import { fromTwilioStatus, progressRank } from './delivery-state';
import { DeliveryRepository } from './delivery.repository';
import type { ProviderStatus } from './delivery.types';
import { DeliveryWriter } from './delivery-writer';
import { ProviderCallbackRepository, type PendingCallback } from './provider-callback.repository';

/** Callbacks applied per transaction at most. */
const BATCH = 2000;
/** How often an idle applier looks for callbacks another instance took in. */
const IDLE_POLL_MS = 200;
const BACKOFF_MS = 1000;

/**
 * Applies received status callbacks to their deliveries in batches: each transaction takes the oldest
 * pending callbacks (SKIP LOCKED, so several instances share the work), applies them with one
 * set-based UPDATE and its effects (log entries, notice outcomes, email fallbacks), and marks them
 * applied. A crash before the commit leaves them pending for the next pass.
 */
@Injectable()
export class CallbackApplier implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private woken = false;
  private unsubscribe?: () => void;
  private readonly log: Logger;

  constructor(
    private readonly inbox: CallbackInbox,
    private readonly callbacks: ProviderCallbackRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly writer: DeliveryWriter,
    private readonly work: WorkSignal,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'callback-applier' });
  }

  onApplicationBootstrap(): void {
    if (!this.config.NOTIFIER_SCHEDULER_ENABLED) return;
    this.running = true;
    this.unsubscribe = this.inbox.onAppended(() => this.signal());
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.signal();
    await this.loop;
  }

  /** One batch: returns how many callbacks it applied (0 when none are pending). */
  async applyBatch(limit = BATCH): Promise<number> {
    let fallbacks = 0;
    const applied = await this.deliveries.inTransaction(async (tx) => {
      const pending = await this.callbacks.takePending(tx, limit);
      if (pending.length === 0) return 0;
      fallbacks = await this.writer.applyStatuses(tx, pending.flatMap(toProviderStatus));
      await this.callbacks.markApplied(
        tx,
        pending.map((callback) => callback.callbackId),
      );
      return pending.length;
    });
    if (fallbacks > 0) this.work.raise();
    return applied;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const applied = await this.applyBatch();
        if (applied < BATCH) await this.idle(applied === 0 ? IDLE_POLL_MS : 0);
      } catch (error) {
        this.log.error({ err: error }, 'applying status callbacks failed; they stay pending and are retried');
        await this.idle(BACKOFF_MS);
      }
    }
  }

  private signal(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Waits up to `ms`, or a few ms once callbacks were appended (to let a group gather), or not at all on stop. */
  private idle(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.woken) {
      this.woken = false;
      return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** A stored callback as the status it reports; statuses of no outbound message are never stored. */
function toProviderStatus(callback: PendingCallback): ProviderStatus[] {
  const state = fromTwilioStatus(callback.status);
  if (!state) return [];
  return [
    {
      deliveryId: callback.deliveryId,
      sid: callback.sid,
      state,
      rank: progressRank(state),
      providerStatus: callback.status,
      errorCode: callback.errorCode,
    },
  ];
}
