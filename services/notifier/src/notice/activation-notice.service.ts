import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LogEntryKind, RiskTier } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import type { NotifierConfig } from '../config';
import { notificationLogMessage } from '../notification-log/log-entry';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import { ACTIVATION_PRIORITY, type NewDelivery } from '../shared/delivery-rows';
import { deliveryIdOf, noticeIdOf, recipientKeyOf, referenceCodeOf } from '../shared/ids';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { WorkSignal } from '../shared/work-signal';
import type { NoticeEntity } from './notice.entity';
import type { ReceivedChallenge } from './notice-events.decoder';
import { NoticeRepository } from './notice.repository';
import { oneTimeCodeFiling } from './one-time-code-filing';

export type ActivationOutcome = 'queued' | 'expired' | 'duplicate';

/**
 * Records a one-time code SMS: the code a person asked for when activating fraud-watch, or the care
 * code a helpline agent asked for to verify a caller. Either is an `activation` notice with one SMS
 * delivery to the number given, once per challenge (or verification) id. It is sent by the same
 * scheduler and attempt protocol as every notice, at the highest priority, and is not a breach notice:
 * no quiet hours, no settle window, no enrollment wait, no incident pause. The reference code printed
 * in it is its reconciliation marker.
 */
@Injectable()
export class ActivationNoticeService {
  private readonly sealer: ContactSealer;

  constructor(
    private readonly notices: NoticeRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {
    this.sealer = new ContactSealer(config.cipher);
  }

  async record(challenge: ReceivedChallenge): Promise<ActivationOutcome> {
    if (challenge.requestedLanguage !== challenge.language) {
      this.logger.warn(
        { personId: challenge.personId, purpose: challenge.purpose, language: challenge.requestedLanguage },
        'no templates in the requested language; one-time code goes in Urdu',
      );
    }
    const now = new Date();
    // A code that expired on the way (a backlog, a re-drive) would only confuse: recorded, never sent.
    const expired = challenge.expiresAt <= now;
    const { idempotencyKey, subjectId, description } = oneTimeCodeFiling(challenge);
    const noticeId = noticeIdOf(idempotencyKey);
    const referenceCode = referenceCodeOf(this.config.logHmacKey, noticeId);
    const recipientKey = recipientKeyOf(this.config.logHmacKey, 'msisdn', challenge.e164);
    const deliveryId = deliveryIdOf(noticeId, 'sms', recipientKey);
    const state = expired ? 'not_needed' : 'ready';
    const notice: NoticeEntity = {
      noticeId,
      kind: 'activation',
      idempotencyKey,
      exposureId: subjectId,
      incidentId: challenge.incidentId,
      personId: challenge.personId,
      revision: challenge.revision,
      change: 'new',
      tier: RiskTier.UNSPECIFIED,
      language: challenge.language,
      categories: [],
      newCategories: [],
      actions: [],
      channels: [],
      attackVectors: [],
      msisdnsMasked: [challenge.masked],
      emailCiphertext: null,
      emailMasked: null,
      detectedAt: null,
      occurredTo: null,
      jurisdiction: '',
      policyVersion: '',
      policyRule: '',
      dryRun: false,
      noticeAlreadySent: false,
      referenceCode,
      state,
      outcome: expired ? 'none' : 'pending',
      needsEnrollment: false,
      enrollmentDeadline: null,
      enrollmentId: null,
      enrollmentTimedOut: false,
      receivedAt: now,
      releasedAt: expired ? null : now,
      settledAt: expired ? now : null,
      sourcePartition: null,
      sourceOffset: null,
    };
    const delivery: NewDelivery = {
      deliveryId,
      noticeId,
      incidentId: challenge.incidentId,
      personId: challenge.personId,
      channel: 'sms',
      recipientKey,
      recipientCiphertext: this.sealer.seal(challenge.e164, SealedAad.recipient(deliveryId)),
      recipientMasked: challenge.masked,
      subscriberId: null,
      priority: ACTIVATION_PRIORITY,
      state: expired ? 'cancelled' : 'queued',
      marker: referenceCode,
      errorCode: expired ? 'EXPIRED' : null,
      errorDetail: expired ? 'the one-time code had expired when it arrived' : null,
    };
    const recorded = await this.notices.recordActivation(
      notice,
      {
        challengeId: challenge.challengeId,
        noticeId,
        purpose: challenge.purpose,
        enrollmentId: challenge.enrollmentId,
        otpCiphertext: expired ? null : this.sealer.seal(challenge.otp, SealedAad.oneTimeCode(challenge.challengeId)),
        expiresAt: challenge.expiresAt,
      },
      delivery,
      [
        notificationLogMessage(this.topics.notificationLog, {
          incidentId: challenge.incidentId,
          revision: challenge.revision,
          personId: challenge.personId,
          subjectId: noticeId,
          kind: LogEntryKind.NOTICE_QUEUED,
          channel: null,
          status: state,
          detail: `${description}${expired ? ', expired on arrival' : ''}`,
        }),
      ],
    );
    if (!recorded) return 'duplicate';
    if (expired) {
      this.logger.warn(
        { challengeId: challenge.challengeId, purpose: challenge.purpose },
        'one-time code expired before it could be sent',
      );
      return 'expired';
    }
    this.work.raise();
    return 'queued';
  }
}
