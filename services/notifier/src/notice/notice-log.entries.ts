import { LogEntryKind, RiskTier } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { notificationLogMessage } from '../notification-log/log-entry';
import type { NoticeState } from './notice.entity';
import type { CancelledDelivery } from './notice.transaction';
import type { ReceivedExposure } from './notice-events.decoder';

/** The notice a log entry is about: enough to key and place it, no personal data. */
export interface NoticeRef {
  noticeId: string;
  incidentId: string;
  personId: string;
  revision: number;
}

/** The notification-log entries of the notice context, one builder per event it records. */
export const NoticeLogEntries = {
  queued(topic: string, exposure: ReceivedExposure, noticeId: string, state: NoticeState, deliveries: number) {
    return notificationLogMessage(topic, {
      incidentId: exposure.incidentId,
      revision: exposure.revision,
      personId: exposure.personId,
      subjectId: noticeId,
      kind: LogEntryKind.NOTICE_QUEUED,
      channel: null,
      status: state,
      detail: `tier ${RiskTier[exposure.tier]}, ${exposure.change}, ${deliveries} deliveries, policy ${exposure.policyVersion}/${exposure.policyRule}`,
    });
  },

  unreachable(topic: string, exposure: ReceivedExposure, noticeId: string): OutboxMessage {
    return notificationLogMessage(topic, {
      incidentId: exposure.incidentId,
      revision: exposure.revision,
      personId: exposure.personId,
      subjectId: noticeId,
      kind: LogEntryKind.UNREACHABLE,
      channel: null,
      status: 'unreachable',
      detail: 'no number the person still holds and no email address',
    });
  },

  superseded(topic: string, exposure: ReceivedExposure, delivery: CancelledDelivery): OutboxMessage {
    return notificationLogMessage(topic, {
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
  },

  /** The enrollment a waiting notice needed arrived; the id is named when the caller knows it. */
  enrollmentAttached(topic: string, notice: NoticeRef, enrollmentId?: string | null): OutboxMessage {
    return notificationLogMessage(topic, {
      ...subject(notice),
      kind: LogEntryKind.NOTICE_QUEUED,
      channel: null,
      status: 'ready',
      detail:
        enrollmentId === undefined ? 'fraud enrollment attached' : `fraud enrollment ${enrollmentId ?? ''} attached`,
    });
  },

  enrollmentWaitExpired(topic: string, notice: NoticeRef): OutboxMessage {
    return notificationLogMessage(topic, {
      ...subject(notice),
      kind: LogEntryKind.STATUS_CHANGED,
      channel: null,
      status: 'ready',
      errorCode: 'ENROLLMENT_WAIT_EXPIRED',
      detail: 'sent without the activation code; protection details follow',
    });
  },

  protectionQueued(topic: string, followUp: NoticeRef, originalNoticeId: string, deliveries: number): OutboxMessage {
    return notificationLogMessage(topic, {
      ...subject(followUp),
      kind: LogEntryKind.NOTICE_QUEUED,
      channel: null,
      status: 'ready',
      detail: `protection details owed by notice ${originalNoticeId}; ${deliveries} deliveries`,
    });
  },
};

function subject(notice: NoticeRef) {
  return {
    incidentId: notice.incidentId,
    revision: notice.revision,
    personId: notice.personId,
    subjectId: notice.noticeId,
  };
}
