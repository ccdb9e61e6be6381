import type { OutboxMessage } from '@bnp/messaging';
import { SealedAad } from '../shared/contact-sealer';
import type { NewDelivery } from '../shared/delivery-rows';
import { noticeIdOf, referenceCodeOf } from '../shared/ids';
import { noticeDeliveries, priorityOf, type DeliveryKit } from './notice-deliveries';
import { NoticeLogEntries } from './notice-log.entries';
import type { NoticeEntity, NoticeState } from './notice.entity';
import type { NoticeBrief } from './notice.transaction';
import type { ReceivedExposure } from './notice-events.decoder';

/** Where the exposure was read from: recorded on the notice, for tracing a notice back to its event. */
export interface SourcePosition {
  partition: number;
  offset: string;
}

/** What the person's earlier notices and the fraud enrollment say about a new one. */
export interface PlanContext {
  /** The person's other notices (kind 'notice') in this incident. */
  others: readonly NoticeBrief[];
  /** Whether a delivery of an older revision's notice was ever attempted. */
  olderAttempted: boolean;
  /** The enrollment already received for this exposure, if any. */
  enrollmentId: string | null;
}

export interface PlanningKit extends DeliveryKit {
  logTopic: string;
  enrollmentMaxWaitMs: number;
  now: Date;
}

/** A new notice, its deliveries and log entries, ready to insert. */
export interface PlannedNotice {
  notice: NoticeEntity;
  deliveries: NewDelivery[];
  log: OutboxMessage[];
  /** It (may) send something: the incident's "last notice" time moves. */
  sends: boolean;
  /** Something urgent was queued: wake the schedulers now rather than at their next poll. */
  wake: boolean;
}

/**
 * A new notice's state. A dry run only records; a later revision already noticed supersedes it; a
 * retraction of a notice that never went out needs none; a notice that carries an activation code
 * waits for its enrollment.
 */
export function noticeStateOf(exposure: ReceivedExposure, context: PlanContext): NoticeState {
  if (exposure.dryRun) return 'dry_run';
  if (context.others.some((notice) => notice.revision > exposure.revision)) return 'superseded';
  if (exposure.change === 'retracted' && !context.olderAttempted && !exposure.noticeAlreadySent) return 'not_needed';
  if (exposure.needsEnrollment && !context.enrollmentId) return 'awaiting_enrollment';
  return 'ready';
}

/** Decides a new notice's state and builds its rows and log entries. */
export function planNotice(
  exposure: ReceivedExposure,
  source: SourcePosition,
  context: PlanContext,
  kit: PlanningKit,
): PlannedNotice {
  const enrollmentId = exposure.needsEnrollment ? context.enrollmentId : null;
  const state = noticeStateOf(exposure, { ...context, enrollmentId });
  const noticeId = noticeIdOf(exposure.idempotencyKey);
  const referenceCode = referenceCodeOf(kit.logHmacKey, noticeId);
  const priority = priorityOf(exposure.tier);
  const sends = state === 'ready' || state === 'awaiting_enrollment' || state === 'dry_run';
  const owner = {
    noticeId,
    incidentId: exposure.incidentId,
    personId: exposure.personId,
    marker: referenceCode,
    priority,
  };
  const deliveries = sends ? noticeDeliveries(exposure, owner, state, kit) : [];
  const unreachable =
    (state === 'ready' || state === 'awaiting_enrollment') && !deliveries.some((row) => row.state !== 'rejected');
  const { now } = kit;
  const log = [NoticeLogEntries.queued(kit.logTopic, exposure, noticeId, state, deliveries.length)];
  if (unreachable) log.push(NoticeLogEntries.unreachable(kit.logTopic, exposure, noticeId));
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
      emailCiphertext: exposure.email ? kit.sealer.seal(exposure.email.address, SealedAad.noticeEmail(noticeId)) : null,
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
      enrollmentDeadline: state === 'awaiting_enrollment' ? new Date(now.getTime() + kit.enrollmentMaxWaitMs) : null,
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
