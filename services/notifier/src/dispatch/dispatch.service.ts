import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, secondsSince } from '@bnp/observability';
import { redactPiiInText } from '@bnp/pii';
import type { NotifierConfig } from '../config';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { clip, retryOrGiveUp, smsAnswerTransition, type AttemptPolicy } from './attempt-rules';
import { fromTwilioStatus, progressRank, type DeliveryChannel, type DeliveryState } from './delivery-state';
import { attemptLogEntry } from './delivery-log-entries';
import { DeliveryClaimRepository } from './delivery-claim.repository';
import { DeliveryRepository } from './delivery.repository';
import type { AttemptRecord, ClaimedDelivery, LockedDelivery } from './delivery.types';
import { DeliveryWriter } from './delivery-writer';
import { DispatchMetrics } from './dispatch.metrics';
import { NoticeRenderer, UnsendableMessage, type RenderedMessage } from './notice-renderer';
import { attemptPolicyOf, Reconciler } from './reconciler';
import { SendPermits } from './send-permits';
import { SmtpEmailProvider } from './smtp-email.provider';
import { TwilioSmsProvider, type SmsSendResult } from './twilio-sms.provider';

/** A claimed delivery and, unless it must first be reconciled, the message it carries. */
export interface Claimed {
  row: ClaimedDelivery;
  rendered: RenderedMessage | null;
}

/** A status report from Twilio (callback or fetch), already authenticated and parsed. */
export interface ReportedStatus {
  sid: string;
  status: string;
  errorCode: string | null;
}

/**
 * The steps of sending: claim (each attempt committed, with its log entry, before any provider is
 * called), a permit just before each call, the call, and its answer; reconciliation of unknown
 * outcomes, status reports and lease expiry. The rules live in attempt-rules.ts; loops and timing in
 * the scheduler.
 */
@Injectable()
export class DispatchService {
  private readonly sealer: ContactSealer;
  private readonly policy: AttemptPolicy;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly claims: DeliveryClaimRepository,
    private readonly writer: DeliveryWriter,
    private readonly permits: SendPermits,
    private readonly reconciler: Reconciler,
    private readonly sms: TwilioSmsProvider,
    private readonly email: SmtpEmailProvider,
    private readonly renderer: NoticeRenderer,
    private readonly metrics: DispatchMetrics,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sealer = new ContactSealer(config.cipher);
    this.policy = attemptPolicyOf(config);
  }

  get owner(): string {
    return this.config.NOTIFIER_INSTANCE_ID;
  }

  /** Claims and renders; each attempt is committed (with its log entry) before anything is sent. */
  async claim(channel: DeliveryChannel, limit: number, quiet: boolean): Promise<Claimed[]> {
    const filter = {
      channel,
      limit,
      quiet,
      settleMs: this.config.NOTIFIER_SETTLE_MS,
      owner: this.owner,
      leaseMs: this.config.NOTIFIER_LEASE_MS,
    };
    const rendered = new Map<string, RenderedMessage>();
    const unrenderable = new Map<string, { reason: string; code: string }>();
    const rows = await this.deliveries.inTransaction(async (tx) => {
      const locked = await this.claims.lockReady(tx, filter);
      if (locked.length === 0) return [];
      const attempts: AttemptRecord[] = [];
      for (const row of locked) {
        if (row.claimed_from === 'unknown') continue;
        const result = this.tryRender(row);
        if ('message' in result) {
          rendered.set(row.delivery_id, result.message);
          attempts.push(attemptOf(row.delivery_id, result.message));
        } else {
          unrenderable.set(row.delivery_id, result);
        }
      }
      const claimed = await this.claims.startAttempts(tx, filter, locked, attempts);
      const byId = new Map(attempts.map((attempt) => [attempt.deliveryId, attempt]));
      await tx.appendOutbox(
        claimed.flatMap((row) => {
          const attempt = byId.get(row.delivery_id);
          return attempt
            ? [attemptLogEntry(this.topics.notificationLog, row, row.revision, attempt, row.attempts + 1)]
            : [];
        }),
      );
      return claimed;
    });
    for (const row of rows) {
      this.logger.debug(
        { deliveryId: row.delivery_id, leaseId: row.lease_id, from: row.claimed_from, attempts: row.attempts },
        'claimed',
      );
    }
    if (unrenderable.size > 0)
      await this.failUnrenderable(
        rows.filter((row) => unrenderable.has(row.delivery_id)),
        unrenderable,
      );
    return rows
      .filter((row) => !unrenderable.has(row.delivery_id))
      .map((row) => ({ row, rendered: rendered.get(row.delivery_id) ?? null }));
  }

  /** Sends one SMS whose attempt is recorded, if its claim still holds it; the answer is written in a batch. */
  async sendSms(row: ClaimedDelivery, message: Extract<RenderedMessage, { channel: 'sms' }>): Promise<void> {
    if (!(await this.permits.acquire(row.delivery_id, row.lease_id))) return;
    const to = this.sealer.open(row.recipient_ciphertext, SealedAad.recipient(row.delivery_id));
    const started = process.hrtime.bigint();
    const result = await this.sms.send(to, message.body, this.statusCallbackUrl(row.delivery_id));
    this.metrics.providerCalls.observe({ call: 'create', outcome: result.kind }, secondsSince(started));
    this.logger.debug(
      { deliveryId: row.delivery_id, leaseId: row.lease_id, outcome: result.kind, sid: sidOf(result) },
      'create answered',
    );
    if (result.kind === 'accepted') this.metrics.smsSegments.inc(result.segments ?? message.segments);
    await this.writer.addTransition(smsAnswerTransition(row, result, message.segments, this.policy));
  }

  async sendEmail(row: ClaimedDelivery, message: Extract<RenderedMessage, { channel: 'email' }>): Promise<void> {
    if (!(await this.permits.acquire(row.delivery_id, row.lease_id))) return;
    const to = this.sealer.open(row.recipient_ciphertext, SealedAad.recipient(row.delivery_id));
    const started = process.hrtime.bigint();
    const result = await this.email.send(to, message.content, `<${row.delivery_id}@notifier.bnp>`, row.language);
    this.metrics.providerCalls.observe({ call: 'smtp', outcome: result.kind }, secondsSince(started));
    const held = { deliveryId: row.delivery_id, leaseId: row.lease_id };
    switch (result.kind) {
      case 'sent':
        return this.writer.addTransition({
          ...held,
          state: 'sent',
          providerRef: result.messageId,
          providerStatus: 'smtp-accepted',
        });
      case 'rejected':
        return this.writer.addTransition({
          ...held,
          state: 'rejected',
          errorCode: result.code,
          errorDetail: clip(result.message),
        });
      case 'retry':
        return this.writer.addTransition(retryOrGiveUp(row, result.code, result.message, this.policy));
    }
  }

  /** See Reconciler: returns the message to send when a new attempt was recorded. */
  reconcile(row: ClaimedDelivery): Promise<RenderedMessage | null> {
    return this.reconciler.reconcile(row);
  }

  /** A status Twilio reported for a delivery. Out-of-order and repeated reports change nothing. */
  async handleStatus(deliveryId: string, report: ReportedStatus, state: DeliveryState): Promise<void> {
    await this.writer.addStatus({
      deliveryId,
      sid: report.sid,
      state,
      rank: progressRank(state),
      providerStatus: report.status,
      errorCode: report.errorCode,
    });
  }

  /** Asks the provider about messages whose callbacks never came. */
  async pollSilentMessages(limit = 100): Promise<number> {
    const stale = await this.deliveries.staleSmsStatuses(this.config.NOTIFIER_STATUS_POLL_AFTER_MS, limit);
    for (const { delivery_id, provider_ref } of stale) {
      try {
        const message = await this.sms.fetch(provider_ref);
        const state = fromTwilioStatus(message.status);
        if (state) await this.handleStatus(delivery_id, message, state);
      } catch (error) {
        this.logger.warn({ deliveryId: delivery_id, err: error }, 'status poll failed');
      }
    }
    return stale.length;
  }

  /** Marks attempts whose lease ran out (or, at start, of this instance's previous life) as unknown. */
  async expireLeases(ownerRestarting: string | null): Promise<number> {
    const changed = await this.deliveries.expireLeases(ownerRestarting, this.config.NOTIFIER_RECONCILE_GRACE_MS);
    if (changed.length === 0) return 0;
    this.logger.warn(
      { count: changed.length, deliveryIds: changed.slice(0, 20).map((row) => row.delivery_id) },
      'attempts whose lease ran out; they will be reconciled',
    );
    await this.writer.logChanges(changed, 'lease expired: outcome unknown, to be reconciled');
    return changed.length;
  }

  /** Wipes sealed one-time codes that can no longer be sent (expired, or their SMS is settled). */
  wipeSpentOneTimeCodes(): Promise<number> {
    return this.deliveries.wipeSpentOneTimeCodes();
  }

  /** Gives back claims never sent (at shutdown), each only while its own lease still holds it. */
  async releaseUnsent(claims: { deliveryId: string; leaseId: string }[]): Promise<void> {
    await this.deliveries.release(claims);
  }

  /** Closes provider connections (after the scheduler stopped sending). */
  close(): void {
    this.email.close();
  }

  /** Waits until every answer received so far is written. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private tryRender(row: LockedDelivery): { message: RenderedMessage } | { reason: string; code: string } {
    try {
      return { message: this.renderer.render(row) };
    } catch (error) {
      return {
        reason: error instanceof Error ? error.message : String(error),
        code: error instanceof UnsendableMessage ? error.code : 'RENDER_FAILED',
      };
    }
  }

  private async failUnrenderable(
    rows: ClaimedDelivery[],
    reasons: Map<string, { reason: string; code: string }>,
  ): Promise<void> {
    const transitions = rows.map((row) => {
      const { reason, code } = reasons.get(row.delivery_id) ?? { reason: 'unrenderable', code: 'RENDER_FAILED' };
      this.logger[code === 'RENDER_FAILED' ? 'error' : 'warn'](
        { deliveryId: row.delivery_id, code, reason: redactPiiInText(reason) },
        'cannot render message; delivery failed',
      );
      return {
        deliveryId: row.delivery_id,
        leaseId: row.lease_id,
        state: 'failed' as const,
        errorCode: code,
        errorDetail: clip(reason),
      };
    });
    await this.writer.writeNow(transitions);
  }

  private statusCallbackUrl(deliveryId: string): string {
    return `${this.config.publicUrl}/twilio/status?d=${deliveryId}`;
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

function sidOf(result: SmsSendResult): string | undefined {
  return result.kind === 'accepted' ? result.sid : undefined;
}
