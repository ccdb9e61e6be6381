import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogEntryKind } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import { redactPiiInText } from '@bnp/pii';
import type { NotifierConfig } from '../config';
import { notificationLogMessage } from '../notification-log/log-entry';
import { Batcher } from '@bnp/persistence';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import type { NewDelivery } from '../shared/delivery-rows';
import { WorkSignal } from '../shared/work-signal';
import { deliveryIdOf, recipientKeyOf } from '../shared/ids';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { DispatchMetrics } from './dispatch.metrics';
import {
  DeliveryRepository,
  type AttemptRecord,
  type ChangedDelivery,
  type ClaimedDelivery,
  type DeliveryTransaction,
  type ProviderStatus,
  type Transition,
} from './delivery.repository';
import { fromTwilioStatus, hasFailed, hasReached, isFinal, progressRank, type DeliveryChannel } from './delivery-state';
import { NoticeRenderer, UnsendableMessage, type RenderedMessage } from './notice-renderer';
import { SmtpEmailProvider } from './smtp-email.provider';
import { TwilioSmsProvider, type SmsSendResult } from './twilio-sms.provider';

/** A claimed delivery and, unless it must first be reconciled, the message it carries. */
export interface Claimed {
  row: ClaimedDelivery;
  rendered: RenderedMessage | null;
}

const MAX_DETAIL = 300;

/**
 * The rules of sending: what an attempt records before it calls a provider, what each answer means
 * (accepted, refused for good, safe to retry, or unknown and to be reconciled), SMS failure falling
 * back to email, and the notice's outcome. Loops and timing live in the scheduler.
 */
@Injectable()
export class DispatchService {
  private readonly sealer: ContactSealer;
  private readonly transitions: Batcher<Transition>;
  private readonly statuses: Batcher<ProviderStatus>;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly sms: TwilioSmsProvider,
    private readonly email: SmtpEmailProvider,
    private readonly renderer: NoticeRenderer,
    private readonly metrics: DispatchMetrics,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {
    this.sealer = new ContactSealer(config.cipher);
    // Both are safe to write concurrently: a transition only applies to the holder's own attempt, and a
    // reported status only moves a delivery forward (a row lock orders two writes of one delivery).
    this.transitions = new Batcher((items) => this.writeTransitions(items), 500, 20, 2);
    this.statuses = new Batcher((items) => this.writeStatuses(items), 500, 20, 2);
  }

  get owner(): string {
    return this.config.NOTIFIER_INSTANCE_ID;
  }

  /** Claims and renders; each attempt is committed (with its log entry) before anything is sent. */
  async claim(channel: DeliveryChannel, limit: number, quiet: boolean): Promise<Claimed[]> {
    const rendered = new Map<string, RenderedMessage>();
    const unrenderable: { row: ClaimedDelivery; reason: string; code: string }[] = [];
    const rows = await this.deliveries.claim(
      {
        channel,
        limit,
        quiet,
        settleMs: this.config.NOTIFIER_SETTLE_MS,
        owner: this.owner,
        leaseMs: this.config.NOTIFIER_LEASE_MS,
      },
      async (_tx, claimed) => {
        const attempts: AttemptRecord[] = [];
        const log: OutboxMessage[] = [];
        for (const row of claimed) {
          if (row.claimed_from === 'unknown') continue;
          try {
            const message = this.renderer.render(row);
            rendered.set(row.delivery_id, message);
            const attempt = attemptOf(row.delivery_id, message);
            attempts.push(attempt);
            log.push(this.attemptEntry(row, row.revision, attempt, row.attempts + 1));
          } catch (error) {
            unrenderable.push({
              row,
              reason: error instanceof Error ? error.message : String(error),
              code: error instanceof UnsendableMessage ? error.code : 'RENDER_FAILED',
            });
          }
        }
        return { attempts, log };
      },
    );
    if (unrenderable.length > 0) {
      for (const { row, reason, code } of unrenderable) {
        this.logger[code === 'RENDER_FAILED' ? 'error' : 'warn'](
          { deliveryId: row.delivery_id, code, reason: redactPiiInText(reason) },
          'cannot render message; delivery failed',
        );
      }
      await this.settleNow(
        unrenderable.map(({ row, reason, code }) => ({
          deliveryId: row.delivery_id,
          state: 'failed',
          errorCode: code,
          errorDetail: reason,
        })),
      );
    }
    const failed = new Set(unrenderable.map(({ row }) => row.delivery_id));
    return rows
      .filter((row) => !failed.has(row.delivery_id))
      .map((row) => ({ row, rendered: rendered.get(row.delivery_id) ?? null }));
  }

  /** Sends one SMS whose attempt is recorded; the answer is written in a batch with others. */
  async sendSms(
    row: ClaimedDelivery,
    message: Extract<RenderedMessage, { channel: 'sms' }>,
    requests: (delta: 1 | -1) => void = () => undefined,
  ): Promise<void> {
    const to = this.sealer.open(row.recipient_ciphertext, SealedAad.recipient(row.delivery_id));
    const started = process.hrtime.bigint();
    requests(1);
    let result: SmsSendResult;
    try {
      result = await this.sms.send(to, message.body, this.statusCallbackUrl(row.delivery_id));
    } finally {
      requests(-1);
    }
    this.metrics.providerCalls.observe({ call: 'create', outcome: result.kind }, seconds(started));
    if (result.kind === 'accepted') this.metrics.smsSegments.inc(result.segments ?? message.segments);
    await this.transitions.add(this.smsTransition(row, result, message.segments));
  }

  async sendEmail(row: ClaimedDelivery, message: Extract<RenderedMessage, { channel: 'email' }>): Promise<void> {
    const to = this.sealer.open(row.recipient_ciphertext, SealedAad.recipient(row.delivery_id));
    const started = process.hrtime.bigint();
    const result = await this.email.send(to, message.content, `<${row.delivery_id}@notifier.bnp>`, row.language);
    this.metrics.providerCalls.observe({ call: 'smtp', outcome: result.kind }, seconds(started));
    switch (result.kind) {
      case 'sent':
        return this.transitions.add({
          deliveryId: row.delivery_id,
          state: 'sent',
          providerRef: result.messageId,
          providerStatus: 'smtp-accepted',
        });
      case 'rejected':
        return this.transitions.add({
          deliveryId: row.delivery_id,
          state: 'rejected',
          errorCode: result.code,
          errorDetail: clip(result.message),
        });
      case 'retry':
        return this.transitions.add(this.retryOrGiveUp(row, result.code, result.message));
    }
  }

  /**
   * Settles a delivery whose last attempt's outcome is unknown (timeout, 5xx, lost connection, or a
   * crash): looks for its message in the provider's list (To + the marker in the body, created since
   * the first attempt). Found: adopts it, nothing is sent. Not found: records a new attempt and
   * returns the message to send. Email has no such list: it is sent again (same Message-ID).
   */
  async reconcile(row: ClaimedDelivery): Promise<RenderedMessage | null> {
    if (row.channel === 'sms') {
      const to = this.sealer.open(row.recipient_ciphertext, SealedAad.recipient(row.delivery_id));
      const since = new Date((row.first_attempt_at ?? new Date()).getTime() - 60_000);
      const started = process.hrtime.bigint();
      let found;
      try {
        found = await this.sms.findByMarker(to, row.marker, since);
      } catch (error) {
        this.metrics.providerCalls.observe({ call: 'list', outcome: 'error' }, seconds(started));
        // Without the list nothing can be concluded: try again later, never send blind.
        await this.settleNow([
          {
            deliveryId: row.delivery_id,
            state: 'unknown',
            errorCode: 'RECONCILE_FAILED',
            errorDetail: clip(errorText(error)),
            delayMs: this.backoff(row.attempts),
          },
        ]);
        return null;
      }
      this.metrics.providerCalls.observe({ call: 'list', outcome: found ? 'found' : 'absent' }, seconds(started));
      if (found) {
        this.metrics.reconciliations.inc({ outcome: 'adopted' });
        const state = fromTwilioStatus(found.status) ?? 'accepted';
        this.logger.info(
          { deliveryId: row.delivery_id, sid: found.sid, status: found.status },
          'unknown outcome settled: the provider has the message',
        );
        await this.settleNow([
          {
            deliveryId: row.delivery_id,
            state,
            providerRef: found.sid,
            providerStatus: found.status,
            errorCode: found.errorCode,
            errorDetail: 'reconciled from the provider list',
          },
        ]);
        return null;
      }
      this.metrics.reconciliations.inc({ outcome: 'absent' });
    }
    if (row.attempts >= this.config.NOTIFIER_MAX_ATTEMPTS) {
      await this.settleNow([
        {
          deliveryId: row.delivery_id,
          state: 'failed',
          errorCode: 'MAX_ATTEMPTS',
          errorDetail: `${row.attempts} attempts without an answer`,
        },
      ]);
      return null;
    }
    let message: RenderedMessage;
    try {
      message = this.renderer.render(row);
    } catch (error) {
      if (!(error instanceof UnsendableMessage)) throw error;
      // Not found in the provider's list and no longer worth sending (a one-time code that expired meanwhile).
      await this.settleNow([
        { deliveryId: row.delivery_id, state: 'failed', errorCode: error.code, errorDetail: error.message },
      ]);
      return null;
    }
    const attempt = attemptOf(row.delivery_id, message);
    const recorded = await this.deliveries.recordAttempt(this.owner, attempt, (revision) =>
      this.attemptEntry(row, revision, attempt, row.attempts + 1),
    );
    return recorded ? message : null;
  }

  /** A status callback, already authenticated. Out-of-order and repeated reports change nothing. */
  async handleStatusCallback(
    deliveryId: string,
    params: Record<string, string | string[]>,
  ): Promise<'applied' | 'ignored'> {
    const sid = single(params['MessageSid']);
    const providerStatus = single(params['MessageStatus']);
    const state = providerStatus ? fromTwilioStatus(providerStatus) : null;
    if (!sid || !providerStatus || !state) return 'ignored';
    await this.statuses.add({
      deliveryId,
      sid,
      state,
      rank: progressRank(state),
      providerStatus,
      errorCode: single(params['ErrorCode']) ?? null,
    });
    return 'applied';
  }

  /** Asks the provider about messages whose callbacks never came. */
  async pollSilentMessages(limit = 100): Promise<number> {
    const stale = await this.deliveries.staleSmsStatuses(this.config.NOTIFIER_STATUS_POLL_AFTER_MS, limit);
    for (const { delivery_id, provider_ref } of stale) {
      try {
        const message = await this.sms.fetch(provider_ref);
        const state = fromTwilioStatus(message.status);
        if (state)
          await this.statuses.add({
            deliveryId: delivery_id,
            sid: message.sid,
            state,
            rank: progressRank(state),
            providerStatus: message.status,
            errorCode: message.errorCode,
          });
      } catch (error) {
        this.logger.warn({ deliveryId: delivery_id, err: error }, 'status poll failed');
      }
    }
    return stale.length;
  }

  /** Marks attempts of stopped instances (or, at start, of this instance's previous life) as unknown. */
  async expireLeases(ownerRestarting: string | null): Promise<number> {
    const changed = await this.deliveries.expireLeases(ownerRestarting, this.config.NOTIFIER_RECONCILE_GRACE_MS);
    if (changed.length === 0) return 0;
    this.logger.warn(
      { count: changed.length },
      'attempts left unanswered by a stopped instance; they will be reconciled',
    );
    await this.deliveries.inTransaction((tx) =>
      tx.appendOutbox(changed.map((row) => this.statusEntry(row, 'lease expired: outcome unknown, to be reconciled'))),
    );
    return changed.length;
  }

  /** Wipes sealed one-time codes that can no longer be sent (expired, or their SMS is settled). */
  wipeSpentOneTimeCodes(): Promise<number> {
    return this.deliveries.wipeSpentOneTimeCodes();
  }

  async releaseUnsent(deliveryIds: string[]): Promise<void> {
    await this.deliveries.release(this.owner, deliveryIds);
  }

  /** Closes provider connections (after the scheduler stopped sending). */
  close(): void {
    this.email.close();
  }

  /** Waits until every answer received so far is written. */
  async flush(): Promise<void> {
    await this.transitions.drain();
    await this.statuses.drain();
  }

  private smsTransition(row: ClaimedDelivery, result: SmsSendResult, segments: number): Transition {
    switch (result.kind) {
      case 'accepted':
        return {
          deliveryId: row.delivery_id,
          state: fromTwilioStatus(result.status) ?? 'accepted',
          providerRef: result.sid,
          providerStatus: result.status,
          segments: result.segments ?? segments,
        };
      case 'rejected':
        return {
          deliveryId: row.delivery_id,
          state: 'rejected',
          errorCode: result.code,
          errorDetail: clip(result.message),
        };
      case 'retry':
        return this.retryOrGiveUp(row, result.code, result.message);
      case 'unknown':
        // Maybe sent: reconcile after the grace period, never resend blind.
        return {
          deliveryId: row.delivery_id,
          state: 'unknown',
          errorCode: result.code,
          errorDetail: clip(result.message),
          delayMs: Math.max(this.config.NOTIFIER_RECONCILE_GRACE_MS, this.backoff(row.attempts + 1)),
        };
    }
  }

  private retryOrGiveUp(row: ClaimedDelivery, code: string, message: string): Transition {
    const attempts = row.attempts + 1;
    if (attempts >= this.config.NOTIFIER_MAX_ATTEMPTS) {
      return {
        deliveryId: row.delivery_id,
        state: 'failed',
        errorCode: code,
        errorDetail: clip(`gave up after ${attempts} attempts: ${message}`),
      };
    }
    return {
      deliveryId: row.delivery_id,
      state: 'queued',
      errorCode: code,
      errorDetail: clip(message),
      delayMs: this.backoff(attempts),
    };
  }

  /** Exponential backoff with full jitter. */
  private backoff(attempts: number): number {
    const ceiling = Math.min(
      this.config.NOTIFIER_RETRY_MAX_MS,
      this.config.NOTIFIER_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1),
    );
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private settleNow(transitions: Transition[]): Promise<void> {
    return this.writeTransitions(transitions);
  }

  private async writeTransitions(items: Transition[]): Promise<void> {
    // Rows are locked in id order by every batched write, which keeps deadlocks rare.
    const sorted = [...items].sort((a, b) => a.deliveryId.localeCompare(b.deliveryId));
    const fallbacks = await this.deliveries.inTransaction(async (tx) => {
      const changed = await this.deliveries.applyTransitions(tx, this.owner, sorted);
      return this.afterChanges(tx, changed);
    });
    if (fallbacks > 0) this.work.raise();
  }

  private async writeStatuses(items: ProviderStatus[]): Promise<void> {
    // Several reports for one delivery in a batch: the furthest wins (one UPDATE touches a row once).
    const furthest = new Map<string, ProviderStatus>();
    for (const item of items) {
      const current = furthest.get(item.deliveryId);
      if (!current || item.rank > current.rank) furthest.set(item.deliveryId, item);
    }
    const fallbacks = await this.deliveries.inTransaction(async (tx) => {
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
    });
    if (fallbacks > 0) this.work.raise();
  }

  /** Log entries, SMS-to-email fallback and notice outcomes for deliveries that just changed; returns the fallbacks queued. */
  private async afterChanges(tx: DeliveryTransaction, changed: ChangedDelivery[]): Promise<number> {
    if (changed.length === 0) return 0;
    const log: OutboxMessage[] = changed.map((row) => this.statusEntry(row));
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

  private statusCallbackUrl(deliveryId: string): string {
    return `${this.config.publicUrl}/twilio/status?d=${deliveryId}`;
  }

  private attemptEntry(row: ClaimedDelivery, revision: number, attempt: AttemptRecord, number: number): OutboxMessage {
    return notificationLogMessage(this.topics.notificationLog, {
      incidentId: row.incident_id,
      revision,
      personId: row.person_id,
      subjectId: row.delivery_id,
      kind: LogEntryKind.DELIVERY_ATTEMPT,
      channel: row.channel,
      status: 'sending',
      templateId: attempt.templateId,
      templateVersion: attempt.templateVersion,
      contentHmac: attempt.contentHmac,
      recipientMasked: row.recipient_masked,
      detail: `attempt ${number}${attempt.segments ? `, ${attempt.segments} segments` : ''}`,
    });
  }

  private statusEntry(row: ChangedDelivery, detail?: string): OutboxMessage {
    return notificationLogMessage(this.topics.notificationLog, {
      incidentId: row.incident_id,
      revision: row.revision,
      personId: row.person_id,
      subjectId: row.delivery_id,
      kind: LogEntryKind.STATUS_CHANGED,
      channel: row.channel,
      status: row.state,
      templateId: row.template_id,
      templateVersion: row.template_version,
      contentHmac: row.content_hmac,
      providerRef: row.provider_ref,
      recipientMasked: row.recipient_masked,
      errorCode: row.error_code,
      detail: detail ?? row.error_detail,
    });
  }
}

function attemptOf(deliveryId: string, message: RenderedMessage): AttemptRecord {
  return {
    deliveryId,
    templateId: message.templateId,
    templateVersion: message.templateVersion,
    contentHmac: message.contentHmac,
    segments: message.channel === 'sms' ? message.segments : null,
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Provider messages can echo an address; they are scrubbed before they reach a row or the log. */
function clip(text: string): string {
  return redactPiiInText(text).slice(0, MAX_DETAIL);
}
