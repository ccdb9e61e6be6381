import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { LogChannel, LogEntryKind, NotificationLogEntrySchema, Topics, encodeMessage } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';

export const SOURCE = 'fraud-guard';

export interface LogEntry {
  incidentId: string;
  revision: number;
  personId: string;
  /** The enrollment or command the entry is about. */
  subjectId: string;
  kind: LogEntryKind;
  channel?: LogChannel;
  status: string;
  /** Masked only (`+92 3** *** **67`): the log never carries plain personal data. */
  recipientMasked?: string;
  providerRef?: string;
  errorCode?: string;
  detail?: string;
  occurredAt?: Date;
}

/** An entry of the regulator's notification log, as an outbox row keyed by person. */
export function logEntryMessage(entry: LogEntry): OutboxMessage {
  return {
    topic: Topics.notificationLog,
    key: entry.personId,
    payload: encodeMessage(NotificationLogEntrySchema, {
      entryId: randomUUID(),
      occurredAt: timestampFromDate(entry.occurredAt ?? new Date()),
      source: SOURCE,
      incidentId: entry.incidentId,
      revision: entry.revision,
      personId: entry.personId,
      subjectId: entry.subjectId,
      kind: entry.kind,
      channel: entry.channel ?? LogChannel.UNSPECIFIED,
      status: entry.status,
      recipientMasked: entry.recipientMasked ?? '',
      providerRef: entry.providerRef ?? '',
      errorCode: entry.errorCode ?? '',
      detail: entry.detail ?? '',
    }),
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'notification.v1.NotificationLogEntry' },
  };
}
