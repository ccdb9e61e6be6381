import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, secondsSince } from '@bnp/observability';
import type { NotifierConfig } from '../config';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { backoffMs, clip, reconcileVerdict, type AttemptPolicy } from './attempt-rules';
import { fromTwilioStatus } from './delivery-state';
import { attemptLogEntry } from './delivery-log-entries';
import { DeliveryClaimRepository } from './delivery-claim.repository';
import { DeliveryRepository } from './delivery.repository';
import type { AttemptRecord, ClaimedDelivery } from './delivery.types';
import { DeliveryWriter } from './delivery-writer';
import { DispatchMetrics } from './dispatch.metrics';
import { NoticeRenderer, UnsendableMessage, type RenderedMessage } from './notice-renderer';
import { TwilioSmsProvider } from './twilio-sms.provider';

/**
 * Settles a delivery whose last attempt's outcome is unknown (timeout, 5xx, lost connection, a lost
 * lease or a crash) before anything is sent again (ADR 0004, 0011). SMS: the provider's list is
 * searched for the message (To + the marker in the body); found, it is adopted; missing, it is looked
 * for again a grace period later, and only a second miss records a new attempt. Email has no list:
 * it is sent again with the same Message-ID.
 */
@Injectable()
export class Reconciler {
  private readonly sealer: ContactSealer;
  private readonly policy: AttemptPolicy;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly claims: DeliveryClaimRepository,
    private readonly writer: DeliveryWriter,
    private readonly sms: TwilioSmsProvider,
    private readonly renderer: NoticeRenderer,
    private readonly metrics: DispatchMetrics,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sealer = new ContactSealer(config.cipher);
    this.policy = attemptPolicyOf(config);
  }

  /** Returns the message to send when a new attempt was recorded, or null when nothing is to be sent. */
  async reconcile(row: ClaimedDelivery): Promise<RenderedMessage | null> {
    if (row.channel === 'sms') {
      if (await this.searchProvider(row)) return null;
    } else if (row.attempts >= this.policy.maxAttempts) {
      await this.giveUp(row);
      return null;
    }
    let message: RenderedMessage;
    try {
      message = this.renderer.render(row);
    } catch (error) {
      if (!(error instanceof UnsendableMessage)) throw error;
      // Not found in the provider's list and no longer worth sending (a one-time code that expired meanwhile).
      await this.writer.writeNow([
        {
          deliveryId: row.delivery_id,
          leaseId: row.lease_id,
          state: 'failed',
          errorCode: error.code,
          errorDetail: error.message,
        },
      ]);
      return null;
    }
    const attempt: AttemptRecord = {
      deliveryId: row.delivery_id,
      templateId: message.templateId,
      templateVersion: message.templateVersion,
      contentHmac: message.contentHmac,
      segments: message.channel === 'sms' ? message.segments : null,
    };
    const recorded = await this.deliveries.inTransaction(async (tx) => {
      const revision = await this.claims.recordAttempt(tx, row.lease_id, attempt);
      if (revision === null) return false;
      await tx.appendOutbox([attemptLogEntry(this.topics.notificationLog, row, revision, attempt, row.attempts + 1)]);
      return true;
    });
    this.logger.info(
      { deliveryId: row.delivery_id, leaseId: row.lease_id, attempt: row.attempts + 1, recorded },
      'unknown outcome settled as not sent; new attempt',
    );
    return recorded ? message : null;
  }

  /** True when the delivery was settled without a new attempt (adopted, looked for later, given up). */
  private async searchProvider(row: ClaimedDelivery): Promise<boolean> {
    const to = this.sealer.open(row.recipient_ciphertext, SealedAad.recipient(row.delivery_id));
    const since = new Date((row.first_attempt_at ?? new Date()).getTime() - 60_000);
    const started = process.hrtime.bigint();
    let found;
    try {
      found = await this.sms.findByMarker(to, row.marker, since);
    } catch (error) {
      this.metrics.providerCalls.observe({ call: 'list', outcome: 'error' }, secondsSince(started));
      // Without the list nothing can be concluded: try again later, never send blind.
      await this.writer.writeNow([
        {
          deliveryId: row.delivery_id,
          leaseId: row.lease_id,
          state: 'unknown',
          errorCode: 'RECONCILE_FAILED',
          errorDetail: clip(error instanceof Error ? error.message : String(error)),
          delayMs: backoffMs(row.attempts, this.policy),
        },
      ]);
      return true;
    }
    this.metrics.providerCalls.observe({ call: 'list', outcome: found ? 'found' : 'absent' }, secondsSince(started));
    const verdict = reconcileVerdict({
      found: found !== null,
      absentSince: row.absent_since,
      now: new Date(),
      attempts: row.attempts,
      policy: this.policy,
    });
    this.logger.info(
      { deliveryId: row.delivery_id, leaseId: row.lease_id, sid: found?.sid, verdict: verdict.kind },
      'provider list searched for an unknown outcome',
    );
    switch (verdict.kind) {
      case 'adopt': {
        if (!found) throw new Error('adopt verdict without a message');
        this.metrics.reconciliations.inc({ outcome: 'adopted' });
        await this.writer.writeNow([
          {
            deliveryId: row.delivery_id,
            leaseId: row.lease_id,
            state: fromTwilioStatus(found.status) ?? 'accepted',
            providerRef: found.sid,
            providerStatus: found.status,
            errorCode: found.errorCode,
            errorDetail: 'reconciled from the provider list',
          },
        ]);
        return true;
      }
      case 'look-again':
        this.metrics.reconciliations.inc({ outcome: 'not-listed-yet' });
        await this.writer.writeNow([
          {
            deliveryId: row.delivery_id,
            leaseId: row.lease_id,
            state: 'unknown',
            errorCode: 'NOT_LISTED_YET',
            errorDetail: 'not in the provider list yet; looking again before any resend',
            delayMs: verdict.delayMs,
            absentSince: verdict.absentSince,
          },
        ]);
        return true;
      case 'give-up':
        this.metrics.reconciliations.inc({ outcome: 'absent' });
        await this.giveUp(row);
        return true;
      case 'resend':
        this.metrics.reconciliations.inc({ outcome: 'absent' });
        return false;
    }
  }

  private giveUp(row: ClaimedDelivery): Promise<void> {
    return this.writer.writeNow([
      {
        deliveryId: row.delivery_id,
        leaseId: row.lease_id,
        state: 'failed',
        errorCode: 'MAX_ATTEMPTS',
        errorDetail: `${row.attempts} attempts without an answer`,
      },
    ]);
  }
}

/** The attempt rules' knobs, from the notifier's config. */
export function attemptPolicyOf(config: NotifierConfig): AttemptPolicy {
  return {
    maxAttempts: config.NOTIFIER_MAX_ATTEMPTS,
    retryBaseMs: config.NOTIFIER_RETRY_BASE_MS,
    retryMaxMs: config.NOTIFIER_RETRY_MAX_MS,
    reconcileGraceMs: config.NOTIFIER_RECONCILE_GRACE_MS,
  };
}
