import { LogEntryKind } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { notificationLogMessage } from '../notification-log/log-entry';
import type { AttemptRecord, ChangedDelivery, LockedDelivery } from './delivery.types';

/** The log entry of an attempt, written before the provider is called. */
export function attemptLogEntry(
  topic: string,
  row: LockedDelivery,
  revision: number,
  attempt: AttemptRecord,
  number: number,
): OutboxMessage {
  return notificationLogMessage(topic, {
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

/** The log entry of a delivery's state change, as the row is after it. */
export function statusLogEntry(topic: string, row: ChangedDelivery, detail?: string): OutboxMessage {
  return notificationLogMessage(topic, {
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
