import type { OutboxMessage } from '@bnp/messaging';
import type { NewDelivery } from '../shared/delivery-rows';
import { noticeIdOf, referenceCodeOf } from '../shared/ids';
import { copiedDeliveries, priorityOf, type DeliveryKit } from './notice-deliveries';
import { NoticeLogEntries } from './notice-log.entries';
import type { NoticeEntity } from './notice.entity';
import type { DeliveryToCopy } from './notice.transaction';

export type FollowUpNotice = Omit<NoticeEntity, 'receivedAt' | 'enrollmentTimedOut' | 'settledAt'>;

export interface PlannedFollowUp {
  notice: FollowUpNotice;
  deliveries: NewDelivery[];
  log: OutboxMessage[];
}

/** The follow-up of a notice is keyed off it: a redelivered enrollment finds it already there. */
export function followUpKeyOf(original: Pick<NoticeEntity, 'idempotencyKey'>): string {
  return `${original.idempotencyKey}#protection`;
}

/**
 * The protection details owed by a notice that went without its activation code (the enrollment came
 * too late): a copy of that notice, ready at once, to the recipients it had.
 */
export function planProtectionFollowUp(
  original: NoticeEntity,
  enrollmentId: string,
  recipients: DeliveryToCopy[],
  kit: DeliveryKit & { logTopic: string; now: Date },
): PlannedFollowUp {
  const idempotencyKey = followUpKeyOf(original);
  const noticeId = noticeIdOf(idempotencyKey);
  const marker = referenceCodeOf(kit.logHmacKey, noticeId);
  const owner = {
    noticeId,
    incidentId: original.incidentId,
    personId: original.personId,
    marker,
    priority: priorityOf(original.tier),
  };
  const deliveries = copiedDeliveries(recipients, owner, kit);
  const { receivedAt: _receivedAt, enrollmentTimedOut: _timedOut, settledAt: _settledAt, ...copied } = original;
  return {
    notice: {
      ...copied,
      noticeId,
      kind: 'protection',
      idempotencyKey,
      referenceCode: marker,
      state: 'ready',
      outcome: deliveries.length > 0 ? 'pending' : 'unreachable',
      needsEnrollment: false,
      enrollmentDeadline: null,
      enrollmentId,
      releasedAt: kit.now,
      sourcePartition: null,
      sourceOffset: null,
    },
    deliveries,
    log: [
      NoticeLogEntries.protectionQueued(
        kit.logTopic,
        { noticeId, incidentId: original.incidentId, personId: original.personId, revision: original.revision },
        original.noticeId,
        deliveries.length,
      ),
    ],
  };
}
