import { Injectable } from '@nestjs/common';
import { Batcher } from '@bnp/persistence';
import { ProviderCallbackRepository, type ReceivedCallback } from './provider-callback.repository';

/** Callbacks received within this long share one INSERT and one commit. */
const GROUP_COMMIT_MS = 5;
const MAX_GROUP = 1000;

/**
 * Takes status callbacks in: appended to notify.provider_callbacks with others that arrived together
 * (group commit), resolved once committed so the HTTP answer promises durability. Applying them to
 * deliveries is CallbackApplier's job, out of the request path (ADR 0019).
 */
@Injectable()
export class CallbackInbox {
  private readonly batcher: Batcher<ReceivedCallback>;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly callbacks: ProviderCallbackRepository) {
    // Appends are order-free (the applier orders by id and only moves deliveries forward): write in parallel.
    this.batcher = new Batcher((items) => this.write(items), MAX_GROUP, GROUP_COMMIT_MS, 4);
  }

  /** Resolves once the callback is committed; rejects if it could not be (the caller answers 503). */
  append(callback: ReceivedCallback): Promise<void> {
    return this.batcher.add(callback);
  }

  /** Called after each commit of new callbacks (this instance's applier wakes at once). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): Promise<void> {
    return this.batcher.drain();
  }

  private async write(items: ReceivedCallback[]): Promise<void> {
    await this.callbacks.append(items);
    for (const listener of this.listeners) listener();
  }
}
