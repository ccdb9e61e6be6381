import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogEntryKind } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import { Batcher } from '@bnp/persistence';
import type { NotifierConfig } from '../config';
import { notificationLogMessage } from '../notification-log/log-entry';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import type { NewDelivery } from '../shared/delivery-rows';
import { deliveryIdOf, recipientKeyOf } from '../shared/ids';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { WorkSignal } from '../shared/work-signal';
import { hasFailed, hasReached, isFinal } from './delivery-state';
import { statusLogEntry } from './delivery-log-entries';
import { DeliveryRepository, type DeliveryTransaction } from './delivery.repository';
import type { ChangedDelivery, ProviderStatus, Transition } from './delivery.types';
import { DispatchMetrics } from './dispatch.metrics';

/**
 * Writes delivery state changes and what follows from them in the same transaction: the log entry,
 * the notice's outcome, and the email fallback of an SMS that did not arrive. Answers and callbacks
 * are group-committed; reconciliation verdicts are written at once.
 */
@Injectable()
export class DeliveryWriter {
  private readonly sealer: ContactSealer;
  private readonly transitions: Batcher<Transition>;
  private readonly statuses: Batcher<ProviderStatus>;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly metrics: DispatchMetrics,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {
    this.sealer = new ContactSealer(config.cipher);
    // Both are safe to write concurrently: a transition only applies under its own claim, and a
    // reported status only moves a delivery forward (a row lock orders two writes of one delivery).
    this.transitions = new Batcher((items) => this.writeTransitions(items), 500, 20, 2);
    this.statuses = new Batcher((items) => this.writeStatuses(items), 500, 20, 2);
  }

  /** An attempt's answer, written with others. */
  addTransition(transition: Transition): Promise<void> {
    return this.transitions.add(transition);
  }

  /** A status the provider reported, written with others. */
  addStatus(status: ProviderStatus): Promise<void> {
    return this.statuses.add(status);
  }

  /** Writes now (reconciliation verdicts, unrenderable messages). */
  writeNow(transitions: Transition[]): Promise<void> {
    return this.writeTransitions(transitions);
  }

  /** Appends log entries for rows that changed outside a claim (expired leases). */
  async logChanges(changed: ChangedDelivery[], detail: string): Promise<void> {
    await this.deliveries.inTransaction((tx) =>
      tx.appendOutbox(changed.map((row) => statusLogEntry(this.topics.notificationLog, row, detail))),
    );
  }

  /** Waits until every answer received so far is written. */
  async flush(): Promise<void> {
    await this.transitions.drain();
    await this.statuses.drain();
  }

  private async writeTransitions(items: Transition[]): Promise<void> {
    // Rows are locked in id order by every batched write, which keeps deadlocks rare.
    const sorted = [...items].sort((a, b) => a.deliveryId.localeCompare(b.deliveryId));
    const fallbacks = await this.deliveries.inTransaction(async (tx) => {
      const changed = await this.deliveries.applyTransitions(tx, sorted);
      if (changed.length < sorted.length) {
        const applied = new Set(changed.map((row) => row.delivery_id));
        for (const lost of sorted.filter((t) => !applied.has(t.deliveryId))) {
          // Usually a callback that overtook the create's answer; otherwise a claim that lost its lease.
          this.logger.debug(
            { deliveryId: lost.deliveryId, leaseId: lost.leaseId, state: lost.state },
            'change not applied: the delivery moved on or its claim no longer holds it',
          );
        }
      }
      return this.afterChanges(tx, changed);
    });
    if (fallbacks > 0) this.work.raise();
  }

  private async writeStatuses(items: ProviderStatus[]): Promise<void> {
    const fallbacks = await this.deliveries.inTransaction((tx) => this.applyStatuses(tx, items));
    if (fallbacks > 0) this.work.raise();
  }

  /**
   * Applies reported statuses within `tx` (set-based: one UPDATE for the batch) with what follows from
   * them; returns the email fallbacks queued (the caller raises the work signal after its commit).
   */
  async applyStatuses(tx: DeliveryTransaction, items: ProviderStatus[]): Promise<number> {
    // Several reports for one delivery in a batch: the furthest wins (one UPDATE touches a row once).
    const furthest = new Map<string, ProviderStatus>();
    for (const item of items) {
      const current = furthest.get(item.deliveryId);
      if (!current || item.rank > current.rank) furthest.set(item.deliveryId, item);
    }
    const sorted = [...furthest.values()].sort((a, b) => a.deliveryId.localeCompare(b.deliveryId));
    const { changed, foreign } = await this.deliveries.applyProviderStatuses(tx, sorted);
    for (const status of foreign) {
      this.metrics.duplicateSuspected.inc();
      this.logger.error(
        { deliveryId: status.deliveryId, sid: status.sid },
        'provider reports a second message for one delivery',
      );
    }
    return this.afterChanges(tx, changed);
  }

  /** Log entries, SMS-to-email fallback and notice outcomes for deliveries that just changed; returns the fallbacks queued. */
  private async afterChanges(tx: DeliveryTransaction, changed: ChangedDelivery[]): Promise<number> {
    if (changed.length === 0) return 0;
    const log: OutboxMessage[] = changed.map((row) => statusLogEntry(this.topics.notificationLog, row));
    for (const row of changed) this.metrics.transitions.inc({ channel: row.channel, state: row.state });
    await tx.markReached([
      ...new Set(changed.filter((row) => hasReached(row.channel, row.state)).map((row) => row.notice_id)),
    ]);
    let fallbacks = 0;
    for (const row of changed.filter((r) => r.channel === 'sms' && hasFailed(r.state))) {
      const created = await this.queueEmailFallback(tx, row);
      if (created) {
        fallbacks += 1;
        log.push(created);
      }
    }
    const toSettle = new Set<string>(
      changed
        .filter((row) => isFinal(row.channel, row.state) && !hasReached(row.channel, row.state))
        .map((row) => row.notice_id),
    );
    for (const noticeId of [...toSettle].sort()) log.push(...(await tx.settle(noticeId, this.topics.notificationLog)));
    await tx.appendOutbox(log);
    return fallbacks;
  }

  /** SMS did not arrive: the notice goes by email too, where an address is known and none was sent yet. */
  private async queueEmailFallback(tx: DeliveryTransaction, failed: ChangedDelivery): Promise<OutboxMessage | null> {
    const notice = await tx.fallbackSource(failed.notice_id);
    if (!notice || notice.has_email_delivery || !notice.email_ciphertext) return null;
    const address = this.sealer.open(notice.email_ciphertext, SealedAad.noticeEmail(notice.notice_id));
    const recipientKey = recipientKeyOf(this.config.logHmacKey, 'email', address);
    const deliveryId = deliveryIdOf(notice.notice_id, 'email', recipientKey);
    const row: NewDelivery = {
      deliveryId,
      noticeId: notice.notice_id,
      incidentId: notice.incident_id,
      personId: notice.person_id,
      channel: 'email',
      recipientKey,
      recipientCiphertext: this.sealer.seal(address, SealedAad.recipient(deliveryId)),
      recipientMasked: notice.email_masked ?? '***',
      subscriberId: null,
      priority: notice.priority,
      state: 'queued',
      marker: notice.marker,
      fallbackOf: failed.delivery_id,
    };
    const inserted = await tx.insertDeliveries([row]);
    if (inserted.length === 0) return null;
    this.logger.info(
      { deliveryId: failed.delivery_id, fallback: deliveryId },
      'SMS not delivered; notice goes by email',
    );
    return notificationLogMessage(this.topics.notificationLog, {
      incidentId: notice.incident_id,
      revision: failed.revision,
      personId: notice.person_id,
      subjectId: deliveryId,
      kind: LogEntryKind.STATUS_CHANGED,
      channel: 'email',
      status: 'queued',
      recipientMasked: row.recipientMasked,
      detail: `fallback for SMS delivery ${failed.delivery_id} (${failed.state})`,
    });
  }
}
