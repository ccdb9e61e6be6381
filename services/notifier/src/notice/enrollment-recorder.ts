import { Inject, Injectable } from '@nestjs/common';
import { Batcher, type ItemOutcome } from '@bnp/persistence';
import type { NotifierConfig } from '../config';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { WorkSignal } from '../shared/work-signal';
import { NoticeLogEntries } from './notice-log.entries';
import type { NoticeEntity } from './notice.entity';
import { NoticeRepository } from './notice.repository';
import type { NoticeTransaction } from './notice.transaction';
import type { ReceivedEnrollment } from './notice-events.decoder';
import { followUpKeyOf, planProtectionFollowUp } from './protection-follow-up';

export type EnrollmentOutcome = 'attached' | 'stored' | 'follow-up' | 'duplicate';

/**
 * Records fraud enrollments and attaches each to the notice waiting for it; for a notice that already
 * went without the code, queues the protection details it promised.
 */
@Injectable()
export class EnrollmentRecorder {
  private readonly sealer: ContactSealer;
  private readonly batches = new Batcher<ReceivedEnrollment, EnrollmentOutcome>(
    (items) => this.recordAll(items),
    200,
    2,
    4,
  );

  constructor(
    private readonly notices: NoticeRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    private readonly work: WorkSignal,
  ) {
    this.sealer = new ContactSealer(config.cipher);
  }

  /** Records a fraud enrollment; ones that arrive together share a transaction. */
  record(enrollment: ReceivedEnrollment): Promise<EnrollmentOutcome> {
    return this.batches.add(enrollment);
  }

  /**
   * Enrollments set-based: stored, attached to the notices waiting for them, and for a notice that
   * already went without the code, the protection details queued. No person lock: an enrollment
   * committed while its notice was being recorded is attached by the housekeeping sweep.
   */
  private async recordAll(items: ReceivedEnrollment[]): Promise<ItemOutcome<EnrollmentOutcome>[]> {
    const outcomes = await this.notices.inTransaction(async (tx) => {
      const stored = await tx.insertEnrollments(
        items.map((enrollment) => ({
          enrollmentId: enrollment.enrollmentId,
          exposureIdempotencyKey: enrollment.exposureIdempotencyKey,
          incidentId: enrollment.incidentId,
          personId: enrollment.personId,
          activationCodeCiphertext: this.sealer.seal(
            enrollment.activationCode,
            SealedAad.activationCode(enrollment.enrollmentId),
          ),
          enrollBy: enrollment.enrollBy,
          monitoringMonths: enrollment.monitoringMonths,
          actions: enrollment.actions,
        })),
      );
      const fresh = items.filter((enrollment) => stored.has(enrollment.exposureIdempotencyKey));
      const attached = await tx.attachEnrollments(
        fresh.map((enrollment) => [enrollment.exposureIdempotencyKey, enrollment.enrollmentId]),
      );
      const attachedKeys = new Set(attached.map((notice) => notice.idempotencyKey));
      await tx.appendOutbox(
        attached.map((notice) =>
          NoticeLogEntries.enrollmentAttached(this.topics.notificationLog, notice, notice.enrollmentId),
        ),
      );
      // A notice that already went without the code promised the details: they follow now (rare).
      const unattached = fresh.filter((enrollment) => !attachedKeys.has(enrollment.exposureIdempotencyKey));
      const owed = await tx.noticesOwedProtection(unattached.map((enrollment) => enrollment.exposureIdempotencyKey));
      const results: ItemOutcome<EnrollmentOutcome>[] = [];
      for (const enrollment of items) {
        if (!stored.has(enrollment.exposureIdempotencyKey)) results.push({ ok: true, value: 'duplicate' });
        else if (attachedKeys.has(enrollment.exposureIdempotencyKey)) results.push({ ok: true, value: 'attached' });
        else if (!owed.has(enrollment.exposureIdempotencyKey)) results.push({ ok: true, value: 'stored' });
        else {
          const notice = await tx.findByIdempotencyKey(enrollment.exposureIdempotencyKey);
          results.push({ ok: true, value: notice ? await this.queueFollowUp(tx, notice, enrollment) : 'stored' });
        }
      }
      return results;
    });
    if (outcomes.some((outcome) => outcome.ok && (outcome.value === 'attached' || outcome.value === 'follow-up')))
      this.work.raise();
    return outcomes;
  }

  private async queueFollowUp(
    tx: NoticeTransaction,
    original: NoticeEntity,
    enrollment: ReceivedEnrollment,
  ): Promise<EnrollmentOutcome> {
    if (await tx.findByIdempotencyKey(followUpKeyOf(original))) return 'duplicate';
    const followUp = planProtectionFollowUp(
      original,
      enrollment.enrollmentId,
      await tx.deliveriesToCopy(original.noticeId),
      {
        logHmacKey: this.config.logHmacKey,
        sealer: this.sealer,
        logTopic: this.topics.notificationLog,
        now: new Date(),
      },
    );
    await tx.insertNotice(followUp.notice);
    await tx.insertDeliveries(followUp.deliveries);
    await tx.appendOutbox(followUp.log);
    return 'follow-up';
  }
}
