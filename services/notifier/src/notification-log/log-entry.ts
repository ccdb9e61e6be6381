import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { LogChannel, LogEntryKind, NotificationLogEntrySchema, encodeMessage } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { redactPiiInText } from '@bnp/pii';
import type { DeliveryChannel } from '../dispatch/delivery-state';

export const LOG_SOURCE = 'notifier';

export interface LogEntryInput {
  incidentId: string;
  revision: number;
  personId: string;
  /** The notice id (for notice-level entries) or the delivery id (for attempts and statuses). */
  subjectId: string;
  kind: LogEntryKind;
  channel: DeliveryChannel | null;
  status: string;
  templateId?: string | null;
  templateVersion?: string | null;
  contentHmac?: string | null;
  providerRef?: string | null;
  recipientMasked?: string | null;
  errorCode?: string | null;
  detail?: string | null;
  occurredAt?: Date;
}

function logChannel(channel: DeliveryChannel | null): LogChannel {
  switch (channel) {
    case 'sms':
      return LogChannel.SMS;
    case 'email':
      return LogChannel.EMAIL;
    case null:
      return LogChannel.UNSPECIFIED;
  }
}

/**
 * One notification.log.v1 entry as an outbox row, written in the transaction that made the change
 * it records. Carries ids, masked recipients and a keyed HMAC of the content, never the content.
 */
export function notificationLogMessage(topic: string, input: LogEntryInput): OutboxMessage {
  const payload = encodeMessage(NotificationLogEntrySchema, {
    entryId: randomUUID(),
    occurredAt: timestampFromDate(input.occurredAt ?? new Date()),
    source: LOG_SOURCE,
    incidentId: input.incidentId,
    revision: input.revision,
    personId: input.personId,
    subjectId: input.subjectId,
    kind: input.kind,
    channel: logChannel(input.channel),
    status: input.status,
    templateId: input.templateId ?? '',
    templateVersion: input.templateVersion ?? '',
    contentHmac: input.contentHmac ?? '',
    providerRef: input.providerRef ?? '',
    recipientMasked: input.recipientMasked ?? '',
    errorCode: input.errorCode ?? '',
    detail: input.detail ? redactPiiInText(input.detail).slice(0, 500) : '',
  });
  return {
    topic,
    key: input.personId,
    payload,
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'notification.v1.NotificationLogEntry' },
  };
}
