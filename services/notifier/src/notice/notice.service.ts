import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Channel, LogEntryKind, RiskTier } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import type { NotifierConfig } from '../config';
import { notificationLogMessage } from '../notification-log/log-entry';
import { Batcher, type ItemOutcome } from '@bnp/persistence';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import type { NewDelivery } from '../shared/delivery-rows';
import { deliveryIdOf, noticeIdOf, recipientKeyOf, referenceCodeOf } from '../shared/ids';
import { NotifierErrorCode, NotifierException } from '../shared/notifier.exception';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { WorkSignal } from '../shared/work-signal';
import type { NoticeEntity, NoticeState } from './notice.entity';
import type { ReceivedControl, ReceivedEnrollment, ReceivedExposure } from './notice-events.decoder';
import { IncidentControlRepository } from './incident-control.repository';
import {
  NoticeRepository,
  type CancelledDelivery,
  type NoticeBrief,
  type NoticeTransaction,
} from './notice.repository';

export type RecordOutcome = NoticeState | 'duplicate';
export type EnrollmentOutcome = 'attached' | 'stored' | 'follow-up' | 'duplicate';

export interface SourcePosition {
  partition: number;
  offset: string;
}

interface PendingExposure {
  exposure: ReceivedExposure;
  source: SourcePosition;
}

interface Planned {
  notice: NoticeEntity;
  deliveries: NewDelivery[];
  log: OutboxMessage[];
  sends: boolean;
  wake: boolean;
}

function personKey(exposure: ReceivedExposure): string {
  return `${exposure.incidentId}\u0000${exposure.personId}`;
}

/** 1 = CRITICAL ... 4 = LOW; claims take the smallest first. */
export function priorityOf(tier: RiskTier): number {
  return 5 - tier;
}

/**
 * Records notices; never sends. One notice per person per incident revision (idempotency key), its
 * deliveries queued for the scheduler, or held for the fraud enrollment, or recorded and never sent
 * (dry run). A newer revision supersedes what older ones had not yet sent; a retraction of a notice
 * that never went out needs no correction.
 */
@Injectable()
export class NoticeService {
  private readonly sealer: ContactSealer;
  private readonly touched = new Map<string, number>();
  // Events of different partitions are of different people: their writes may overlap (each locks its
  // people in one global order, so overlapping writes cannot deadlock).
  private readonly exposures = new Batcher<PendingExposure, RecordOutcome>(
    (items) => this.recordExposures(items),
    200,
    2,
    4,
  );
  private readonly enrollments = new Batcher<ReceivedEnrollment, EnrollmentOutcome>(
    (items) => this.recordEnrollments(items),
    200,
    2,
    4,
  );

  constructor(
    private readonly notices: NoticeRepository,
    private readonly controls: IncidentControlRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {
    this.sealer = new ContactSealer(config.cipher);
  }

  /**
   * The incident's "last notice" time drives the settle window; once a second per instance is plenty,
   * and the row is the hottest in the schema.
   */
  private async touchIncident(incidentId: string, touch: (incidentId: string) => Promise<void>): Promise<void> {
    const last = this.touched.get(incidentId) ?? 0;
    if (Date.now() - last < 1000) return;
    this.touched.set(incidentId, Date.now());
    if (this.touched.size > 10_000) this.touched.clear();
    await touch(incidentId);
  }

  /**
   * Records one exposure. Events that arrive together (one per partition in flight) are recorded in
   * one transaction with set-based statements: one commit, and its WAL flush, for many people.
   */
  recordExposure(exposure: ReceivedExposure, source: SourcePosition): Promise<RecordOutcome> {
    if (exposure.requestedLanguage !== exposure.language) {
      this.logger.warn(
        { personId: exposure.personId, language: exposure.requestedLanguage },
        'no templates in the requested language; notice goes in Urdu',
      );
    }
    return this.exposures.add({ exposure, source });
  }

  private async recordExposures(items: PendingExposure[]): Promise<ItemOutcome<RecordOutcome>[]> {
    const people = items.map(({ exposure }): [string, string] => [exposure.incidentId, exposure.personId]);
    const needing = items
      .filter(({ exposure }) => exposure.needsEnrollment)
      .map(({ exposure }) => exposure.idempotencyKey);
    const { known, enrollments } = await this.notices.lookup(people, needing);
    // A person with an earlier notice in this incident (a revision) or a retraction needs the locked path.
    const revisions = items.some(({ exposure }) => {
      const all = known.get(personKey(exposure)) ?? [];
      return exposure.change === 'retracted' || all.some((notice) => notice.idempotencyKey !== exposure.idempotencyKey);
    });
    if (revisions) return this.recordExposuresLocked(items);

    // First notices of an incident, the bulk of the work: one statement, one commit, no locks. A
    // concurrent duplicate fails the statement on the unique keys and comes back through the retry tier.
    const planned: Planned[] = [];
    const results: ItemOutcome<RecordOutcome>[] = items.map(({ exposure, source }) => {
      if ((known.get(personKey(exposure)) ?? []).length > 0) return { ok: true, value: 'duplicate' };
      const plan = this.plan(exposure, source, {
        others: [],
        olderAttempted: false,
        enrollmentId: enrollments.get(exposure.idempotencyKey) ?? null,
      });
      planned.push(plan);
      return { ok: true, value: plan.notice.state };
    });
    await this.notices.insertFirstNotices(
      planned.map((plan) => plan.notice),
      planned.flatMap((plan) => plan.deliveries),
      planned.flatMap((plan) => plan.log),
    );
    for (const incidentId of new Set(planned.filter((plan) => plan.sends).map((plan) => plan.notice.incidentId))) {
      await this.touchIncident(incidentId, (id) => this.notices.touchIncident(id));
    }
    if (planned.some((plan) => plan.wake)) this.work.raise();
    return results;
  }

  /** Revisions and retractions: per person under an advisory lock, superseding what was not sent yet. */
  private async recordExposuresLocked(items: PendingExposure[]): Promise<ItemOutcome<RecordOutcome>[]> {
    let wake = false;
    // Touched after the commit: the incident's row is shared by every batch, and a batch holding its
    // lock to the end of a long transaction would make the others wait for it.
    const touched = new Set<string>();
    const outcomes = await this.notices.inTransaction(async (tx) => {
      await tx.lockPeople(items.map(({ exposure }) => [exposure.incidentId, exposure.personId]));
      const known = await tx.listNoticesOf(items.map(({ exposure }) => [exposure.incidentId, exposure.personId]));
      const needing = items
        .filter(({ exposure }) => exposure.needsEnrollment)
        .map(({ exposure }) => exposure.idempotencyKey);
      const enrollments = await tx.enrollmentIdsFor(needing);
      // Set-based for the whole batch: which older notices were attempted, and (after planning) one
      // statement that cancels what they have not sent. Two revisions of one person never share a batch
      // (the consumer keeps a key's messages in order, one at a time).
      const olderOf = (exposure: ReceivedExposure): string[] =>
        (known.get(personKey(exposure)) ?? [])
          .filter((notice) => notice.kind === 'notice' && notice.revision < exposure.revision)
          .map((notice) => notice.noticeId);
      const attempted = await tx.attemptedNotices(items.flatMap(({ exposure }) => olderOf(exposure)));
      const planned: Planned[] = [];
      const results: ItemOutcome<RecordOutcome>[] = [];
      const superseding = new Map<string, { exposure: ReceivedExposure; plan: Planned }>();
      for (const { exposure, source } of items) {
        const all = known.get(personKey(exposure)) ?? [];
        if (all.some((notice) => notice.idempotencyKey === exposure.idempotencyKey)) {
          results.push({ ok: true, value: 'duplicate' });
          continue;
        }
        const others = all.filter((notice) => notice.kind === 'notice');
        if (others.some((notice) => notice.revision === exposure.revision)) {
          const message = `revision ${exposure.revision} of incident ${exposure.incidentId} was already noticed for this person under another idempotency key`;
          results.push({ ok: false, error: new NotifierException(NotifierErrorCode.RevisionConflict, message) });
          continue;
        }
        const older = olderOf(exposure);
        const plan = this.plan(exposure, source, {
          others,
          olderAttempted: older.some((noticeId) => attempted.has(noticeId)),
          enrollmentId: enrollments.get(exposure.idempotencyKey) ?? null,
        });
        const state = plan.notice.state;
        if (state !== 'dry_run' && state !== 'superseded') {
          for (const noticeId of older) superseding.set(noticeId, { exposure, plan });
        }
        if (plan.sends) touched.add(exposure.incidentId);
        planned.push(plan);
        // Later items of this batch see this notice (a redelivery, or a second revision).
        known.set(personKey(exposure), [
          ...all,
          {
            noticeId: plan.notice.noticeId,
            idempotencyKey: exposure.idempotencyKey,
            kind: 'notice',
            revision: exposure.revision,
          },
        ]);
        results.push({ ok: true, value: state });
      }
      for (const delivery of await tx.cancelUnsent([...superseding.keys()])) {
        const by = superseding.get(delivery.notice_id);
        if (by) by.plan.log.push(this.cancelledEntry(by.exposure, delivery));
      }
      await tx.insertNotices(planned.map((plan) => plan.notice));
      await tx.insertDeliveries(planned.flatMap((plan) => plan.deliveries));
      await tx.appendOutbox(planned.flatMap((plan) => plan.log));
      wake = planned.some((plan) => plan.wake);
      return results;
    });
    for (const incidentId of touched) await this.touchIncident(incidentId, (id) => this.notices.touchIncident(id));
    if (wake) this.work.raise();
    return outcomes;
  }

  /** Decides a new notice's state and builds its rows and log entries. */
  private plan(
    exposure: ReceivedExposure,
    source: SourcePosition,
    context: { others: NoticeBrief[]; olderAttempted: boolean; enrollmentId: string | null },
  ): Planned {
    const { others, olderAttempted } = context;
    const enrollmentId = exposure.needsEnrollment ? context.enrollmentId : null;
    let state: NoticeState;
    if (exposure.dryRun) state = 'dry_run';
    else if (others.some((notice) => notice.revision > exposure.revision)) state = 'superseded';
    else if (exposure.change === 'retracted' && !olderAttempted && !exposure.noticeAlreadySent) state = 'not_needed';
    else if (exposure.needsEnrollment && !enrollmentId) state = 'awaiting_enrollment';
    else state = 'ready';

    const noticeId = noticeIdOf(exposure.idempotencyKey);
    const referenceCode = referenceCodeOf(this.config.logHmacKey, noticeId);
    const priority = priorityOf(exposure.tier);
    const sends = state === 'ready' || state === 'awaiting_enrollment' || state === 'dry_run';
    const deliveries = sends ? this.deliveriesFor(exposure, noticeId, referenceCode, priority, state) : [];
    const unreachable =
      (state === 'ready' || state === 'awaiting_enrollment') && !deliveries.some((row) => row.state !== 'rejected');
    const now = new Date();
    const log: OutboxMessage[] = [
      notificationLogMessage(this.topics.notificationLog, {
        incidentId: exposure.incidentId,
        revision: exposure.revision,
        personId: exposure.personId,
        subjectId: noticeId,
        kind: LogEntryKind.NOTICE_QUEUED,
        channel: null,
        status: state,
        detail: `tier ${RiskTier[exposure.tier]}, ${exposure.change}, ${deliveries.length} deliveries, policy ${exposure.policyVersion}/${exposure.policyRule}`,
      }),
    ];
    if (unreachable) log.push(this.unreachableEntry(exposure, noticeId));
    return {
      notice: {
        noticeId,
        kind: 'notice',
        idempotencyKey: exposure.idempotencyKey,
        exposureId: exposure.exposureId,
        incidentId: exposure.incidentId,
        personId: exposure.personId,
        revision: exposure.revision,
        change: exposure.change,
        tier: exposure.tier,
        language: exposure.language,
        categories: exposure.categories,
        newCategories: exposure.newCategories,
        actions: exposure.actions,
        channels: exposure.channels,
        attackVectors: exposure.attackVectors,
        msisdnsMasked: exposure.numbers.map((number) => number.masked),
        emailCiphertext: exposure.email
          ? this.sealer.seal(exposure.email.address, SealedAad.noticeEmail(noticeId))
          : null,
        emailMasked: exposure.email?.masked ?? null,
        detectedAt: exposure.detectedAt,
        occurredTo: exposure.occurredTo,
        jurisdiction: exposure.jurisdiction,
        policyVersion: exposure.policyVersion,
        policyRule: exposure.policyRule,
        dryRun: exposure.dryRun,
        noticeAlreadySent: exposure.noticeAlreadySent,
        referenceCode,
        state,
        outcome: sends && state !== 'dry_run' ? (unreachable ? 'unreachable' : 'pending') : 'none',
        needsEnrollment: exposure.needsEnrollment,
        enrollmentDeadline:
          state === 'awaiting_enrollment'
            ? new Date(now.getTime() + this.config.NOTIFIER_ENROLLMENT_MAX_WAIT_MS)
            : null,
        enrollmentId,
        enrollmentTimedOut: false,
        receivedAt: now,
        releasedAt: state === 'ready' ? now : null,
        settledAt: unreachable ? now : null,
        sourcePartition: source.partition,
        sourceOffset: source.offset,
      },
      deliveries,
      log,
      sends,
      // LOW and MEDIUM wait out the settle window anyway; the schedulers' poll finds them.
      wake: priority <= 2 && deliveries.some((row) => row.state === 'queued'),
    };
  }

  /** Records a fraud enrollment; ones that arrive together share a transaction (see recordExposure). */
  recordEnrollment(enrollment: ReceivedEnrollment): Promise<EnrollmentOutcome> {
    return this.enrollments.add(enrollment);
  }

  /**
   * Enrollments set-based: stored, attached to the notices waiting for them, and for a notice that
   * already went without the code, the protection details queued. No person lock: an enrollment
   * committed while its notice was being recorded is attached by the housekeeping sweep.
   */
  private async recordEnrollments(items: ReceivedEnrollment[]): Promise<ItemOutcome<EnrollmentOutcome>[]> {
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
          notificationLogMessage(this.topics.notificationLog, {
            incidentId: notice.incidentId,
            revision: notice.revision,
            personId: notice.personId,
            subjectId: notice.noticeId,
            kind: LogEntryKind.NOTICE_QUEUED,
            channel: null,
            status: 'ready',
            detail: `fraud enrollment ${notice.enrollmentId ?? ''} attached`,
          }),
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
          results.push({
            ok: true,
            value: notice ? await this.queueProtectionFollowUp(tx, notice, enrollment) : 'stored',
          });
        }
      }
      return results;
    });
    if (outcomes.some((outcome) => outcome.ok && (outcome.value === 'attached' || outcome.value === 'follow-up')))
      this.work.raise();
    return outcomes;
  }

  /** Releases notices whose enrollment did not arrive in time: they go without the code, and say it follows. */
  async expireEnrollmentWaits(limit = 500): Promise<number> {
    const released = await this.notices.expireEnrollmentWaits(limit, async (tx, attached, expired) => {
      for (const notice of expired) {
        this.logger.warn(
          {
            incidentId: notice.incident_id,
            personId: notice.person_id,
            waitedMs: this.config.NOTIFIER_ENROLLMENT_MAX_WAIT_MS,
          },
          'fraud enrollment did not arrive in time; notice goes without the activation code',
        );
      }
      await tx.appendOutbox([
        ...attached.map((notice) =>
          notificationLogMessage(this.topics.notificationLog, {
            incidentId: notice.incident_id,
            revision: notice.revision,
            personId: notice.person_id,
            subjectId: notice.notice_id,
            kind: LogEntryKind.NOTICE_QUEUED,
            channel: null,
            status: 'ready',
            detail: 'fraud enrollment attached',
          }),
        ),
        ...expired.map((notice) =>
          notificationLogMessage(this.topics.notificationLog, {
            incidentId: notice.incident_id,
            revision: notice.revision,
            personId: notice.person_id,
            subjectId: notice.notice_id,
            kind: LogEntryKind.STATUS_CHANGED,
            channel: null,
            status: 'ready',
            errorCode: 'ENROLLMENT_WAIT_EXPIRED',
            detail: 'sent without the activation code; protection details follow',
          }),
        ),
      ]);
    });
    if (released > 0) this.work.raise();
    return released;
  }

  async recordControl(control: ReceivedControl): Promise<'applied' | 'stale'> {
    const applied = await this.controls.apply(control);
    if (applied && control.action === 'resumed') this.work.raise();
    this.logger.info(
      { incidentId: control.incidentId, action: control.action, controlId: control.controlId, applied },
      'incident control',
    );
    return applied ? 'applied' : 'stale';
  }

  summary(incidentId: string) {
    return this.notices.incidentSummary(incidentId);
  }

  private deliveriesFor(
    exposure: ReceivedExposure,
    noticeId: string,
    marker: string,
    priority: number,
    state: NoticeState,
  ): NewDelivery[] {
    const initial = state === 'dry_run' ? 'dry_run' : state === 'awaiting_enrollment' ? 'waiting' : 'queued';
    const rows: NewDelivery[] = [];
    const seen = new Set<string>();
    if (exposure.channels.includes(Channel.SMS)) {
      for (const number of exposure.numbers) {
        const recipientKey = recipientKeyOf(this.config.logHmacKey, 'msisdn', number.e164 ?? number.raw);
        if (seen.has(recipientKey)) continue; // the same number under two subscriptions gets one SMS
        seen.add(recipientKey);
        const deliveryId = deliveryIdOf(noticeId, 'sms', recipientKey);
        const valid = number.e164 !== null;
        rows.push({
          deliveryId,
          noticeId,
          incidentId: exposure.incidentId,
          personId: exposure.personId,
          channel: 'sms',
          recipientKey,
          recipientCiphertext: this.sealer.seal(number.e164 ?? number.raw, SealedAad.recipient(deliveryId)),
          recipientMasked: number.masked,
          subscriberId: number.subscriberId,
          priority,
          state: valid ? initial : 'rejected',
          marker,
          errorCode: valid ? null : 'INVALID_MSISDN',
          errorDetail: valid ? null : 'not a Pakistani mobile number',
        });
      }
    }
    if (exposure.channels.includes(Channel.EMAIL) && exposure.email) {
      const recipientKey = recipientKeyOf(this.config.logHmacKey, 'email', exposure.email.address);
      const deliveryId = deliveryIdOf(noticeId, 'email', recipientKey);
      rows.push({
        deliveryId,
        noticeId,
        incidentId: exposure.incidentId,
        personId: exposure.personId,
        channel: 'email',
        recipientKey,
        recipientCiphertext: this.sealer.seal(exposure.email.address, SealedAad.recipient(deliveryId)),
        recipientMasked: exposure.email.masked,
        subscriberId: null,
        priority,
        state: initial,
        marker,
      });
    }
    return rows;
  }

  private async queueProtectionFollowUp(
    tx: NoticeTransaction,
    original: NoticeEntity,
    enrollment: ReceivedEnrollment,
  ): Promise<EnrollmentOutcome> {
    const idempotencyKey = `${original.idempotencyKey}#protection`;
    if (await tx.findByIdempotencyKey(idempotencyKey)) return 'duplicate';
    const noticeId = noticeIdOf(idempotencyKey);
    const marker = referenceCodeOf(this.config.logHmacKey, noticeId);
    const recipients = await tx.deliveriesToCopy(original.noticeId);
    const deliveries: NewDelivery[] = recipients.map((recipient) => {
      const deliveryId = deliveryIdOf(noticeId, recipient.channel, recipient.recipient_key);
      const plain = this.sealer.open(recipient.recipient_ciphertext, SealedAad.recipient(recipient.delivery_id));
      return {
        deliveryId,
        noticeId,
        incidentId: original.incidentId,
        personId: original.personId,
        channel: recipient.channel,
        recipientKey: recipient.recipient_key,
        recipientCiphertext: this.sealer.seal(plain, SealedAad.recipient(deliveryId)),
        recipientMasked: recipient.recipient_masked,
        subscriberId: recipient.subscriber_id,
        priority: priorityOf(original.tier),
        state: 'queued',
        marker,
      };
    });
    const { receivedAt: _receivedAt, enrollmentTimedOut: _timedOut, settledAt: _settledAt, ...copied } = original;
    await tx.insertNotice({
      ...copied,
      noticeId,
      kind: 'protection',
      idempotencyKey,
      referenceCode: marker,
      state: 'ready',
      outcome: deliveries.length > 0 ? 'pending' : 'unreachable',
      needsEnrollment: false,
      enrollmentDeadline: null,
      enrollmentId: enrollment.enrollmentId,
      releasedAt: new Date(),
      sourcePartition: null,
      sourceOffset: null,
    });
    await tx.insertDeliveries(deliveries);
    await tx.appendOutbox([
      notificationLogMessage(this.topics.notificationLog, {
        incidentId: original.incidentId,
        revision: original.revision,
        personId: original.personId,
        subjectId: noticeId,
        kind: LogEntryKind.NOTICE_QUEUED,
        channel: null,
        status: 'ready',
        detail: `protection details owed by notice ${original.noticeId}; ${deliveries.length} deliveries`,
      }),
    ]);
    return 'follow-up';
  }

  private cancelledEntry(exposure: ReceivedExposure, delivery: CancelledDelivery): OutboxMessage {
    return notificationLogMessage(this.topics.notificationLog, {
      incidentId: exposure.incidentId,
      revision: delivery.revision,
      personId: exposure.personId,
      subjectId: delivery.delivery_id,
      kind: LogEntryKind.STATUS_CHANGED,
      channel: delivery.channel,
      status: 'cancelled',
      recipientMasked: delivery.recipient_masked,
      errorCode: 'SUPERSEDED',
      detail: `superseded by revision ${exposure.revision} before it was sent`,
    });
  }

  private unreachableEntry(exposure: ReceivedExposure, noticeId: string): OutboxMessage {
    return notificationLogMessage(this.topics.notificationLog, {
      incidentId: exposure.incidentId,
      revision: exposure.revision,
      personId: exposure.personId,
      subjectId: noticeId,
      kind: LogEntryKind.UNREACHABLE,
      channel: null,
      status: 'unreachable',
      detail: 'no number the person still holds and no email address',
    });
  }
}
