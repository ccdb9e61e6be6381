import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import { Batcher, type ItemOutcome } from '@bnp/persistence';
import type { NotifierConfig } from '../config';
import { ContactSealer } from '../shared/contact-sealer';
import { NotifierErrorCode } from '../shared/notifier.exception';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { NOTIFIER_TOPICS, type NotifierTopics } from '../shared/topics';
import { WorkSignal } from '../shared/work-signal';
import { IncidentActivity } from './incident-activity';
import { NoticeLogEntries } from './notice-log.entries';
import { planNotice, type PlanContext, type PlannedNotice, type SourcePosition } from './notice-plan';
import type { NoticeState } from './notice.entity';
import { NoticeRepository } from './notice.repository';
import type { NoticeBrief } from './notice.transaction';
import type { ReceivedExposure } from './notice-events.decoder';

export type RecordOutcome = NoticeState | 'duplicate';

interface PendingExposure {
  exposure: ReceivedExposure;
  source: SourcePosition;
}

function personKey(exposure: ReceivedExposure): string {
  return `${exposure.incidentId}\u0000${exposure.personId}`;
}

/**
 * Records notices; never sends. One notice per person per incident revision (idempotency key), its
 * deliveries queued for the scheduler, or held for the fraud enrollment, or recorded and never sent
 * (dry run). A newer revision supersedes what older ones had not yet sent; a retraction of a notice
 * that never went out needs no correction.
 */
@Injectable()
export class ExposureRecorder {
  private readonly sealer: ContactSealer;
  // Events of different partitions are of different people: their writes may overlap (each locks its
  // people in one global order, so overlapping writes cannot deadlock).
  private readonly batches = new Batcher<PendingExposure, RecordOutcome>((items) => this.recordAll(items), 200, 2, 4);

  constructor(
    private readonly notices: NoticeRepository,
    private readonly activity: IncidentActivity,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(NOTIFIER_TOPICS) private readonly topics: NotifierTopics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly work: WorkSignal,
  ) {
    this.sealer = new ContactSealer(config.cipher);
  }

  /**
   * Records one exposure. Events that arrive together (one per partition in flight) are recorded in
   * one transaction with set-based statements: one commit, and its WAL flush, for many people.
   */
  record(exposure: ReceivedExposure, source: SourcePosition): Promise<RecordOutcome> {
    if (exposure.requestedLanguage !== exposure.language) {
      this.logger.warn(
        { personId: exposure.personId, language: exposure.requestedLanguage },
        'no templates in the requested language; notice goes in Urdu',
      );
    }
    return this.batches.add({ exposure, source });
  }

  private plan(exposure: ReceivedExposure, source: SourcePosition, context: PlanContext): PlannedNotice {
    return planNotice(exposure, source, context, {
      logHmacKey: this.config.logHmacKey,
      sealer: this.sealer,
      logTopic: this.topics.notificationLog,
      enrollmentMaxWaitMs: this.config.NOTIFIER_ENROLLMENT_MAX_WAIT_MS,
      now: new Date(),
    });
  }

  private async recordAll(items: PendingExposure[]): Promise<ItemOutcome<RecordOutcome>[]> {
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
    if (revisions) return this.recordLocked(items);

    // First notices of an incident, the bulk of the work: one statement, one commit, no locks. A
    // concurrent duplicate fails the statement on the unique keys and comes back through the retry tier.
    const planned: PlannedNotice[] = [];
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
    await this.activity.noticed(planned.filter((plan) => plan.sends).map((plan) => plan.notice.incidentId));
    if (planned.some((plan) => plan.wake)) this.work.raise();
    return results;
  }

  /** Revisions and retractions: per person under an advisory lock, superseding what was not sent yet. */
  private async recordLocked(items: PendingExposure[]): Promise<ItemOutcome<RecordOutcome>[]> {
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
      const planned: PlannedNotice[] = [];
      const results: ItemOutcome<RecordOutcome>[] = [];
      const superseding = new Map<string, { exposure: ReceivedExposure; plan: PlannedNotice }>();
      for (const { exposure, source } of items) {
        const all = known.get(personKey(exposure)) ?? [];
        if (all.some((notice) => notice.idempotencyKey === exposure.idempotencyKey)) {
          results.push({ ok: true, value: 'duplicate' });
          continue;
        }
        const others = all.filter((notice) => notice.kind === 'notice');
        if (others.some((notice) => notice.revision === exposure.revision)) {
          const message = `revision ${exposure.revision} of incident ${exposure.incidentId} was already noticed for this person under another idempotency key`;
          results.push({ ok: false, error: new DomainException(NotifierErrorCode.RevisionConflict, message) });
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
        const recorded: NoticeBrief = {
          noticeId: plan.notice.noticeId,
          idempotencyKey: exposure.idempotencyKey,
          kind: 'notice',
          revision: exposure.revision,
        };
        known.set(personKey(exposure), [...all, recorded]);
        results.push({ ok: true, value: state });
      }
      for (const delivery of await tx.cancelUnsent([...superseding.keys()])) {
        const by = superseding.get(delivery.notice_id);
        if (by) by.plan.log.push(NoticeLogEntries.superseded(this.topics.notificationLog, by.exposure, delivery));
      }
      await tx.insertNotices(planned.map((plan) => plan.notice));
      await tx.insertDeliveries(planned.flatMap((plan) => plan.deliveries));
      await tx.appendOutbox(planned.flatMap((plan) => plan.log));
      wake = planned.some((plan) => plan.wake);
      return results;
    });
    await this.activity.noticed(touched);
    if (wake) this.work.raise();
    return outcomes;
  }
}
