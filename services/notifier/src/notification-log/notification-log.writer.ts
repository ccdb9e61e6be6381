import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  ContractDecodeError,
  LogChannel,
  LogEntryKind,
  NotificationLogEntrySchema,
  decodeBinary,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { redactPiiInText } from '@bnp/pii';
import { NotifierErrorCode } from '../shared/notifier.exception';
import { Batcher } from '@bnp/persistence';
import { NotificationLogRepository, type NewLogEntry } from './notification-log.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_HMAC = /^[0-9a-f]{64}$/;

/**
 * The one writer of the notification log: every entry from every service that acts on a person,
 * validated and appended once. Free text that looks like plain contact data is masked before it is
 * stored, so a careless producer cannot put PII into the regulator's log.
 */
@Injectable()
export class NotificationLogWriter {
  // Entries handled at the same time (one per partition in flight) share one INSERT and one commit.
  private readonly batch: Batcher<NewLogEntry, 'appended' | 'duplicate'>;

  constructor(
    private readonly log: NotificationLogRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.batch = new Batcher(
      async (entries) => {
        const fresh = await this.log.appendAll(entries);
        return fresh.map((isNew) => ({
          ok: true as const,
          value: isNew ? ('appended' as const) : ('duplicate' as const),
        }));
      },
      500,
      2,
      4,
    );
  }

  async append(message: InboundMessage): Promise<'appended' | 'duplicate'> {
    if (!message.value || message.value.length === 0)
      throw new DomainException(NotifierErrorCode.MalformedPayload, 'empty message value');
    let entry;
    try {
      entry = decodeBinary(NotificationLogEntrySchema, message.value);
    } catch (error) {
      if (error instanceof ContractDecodeError)
        throw new DomainException(NotifierErrorCode.MalformedPayload, error.message);
      throw error;
    }
    if (!UUID.test(entry.entryId)) throw new DomainException(NotifierErrorCode.InvalidField, 'entry_id must be a UUID');
    if (!entry.occurredAt) throw new DomainException(NotifierErrorCode.MissingField, 'occurred_at is required');
    for (const [field, value] of [
      ['source', entry.source],
      ['incident_id', entry.incidentId],
      ['person_id', entry.personId],
      ['subject_id', entry.subjectId],
      ['status', entry.status],
    ] as const) {
      if (!value) throw new DomainException(NotifierErrorCode.MissingField, `${field} is required`);
    }
    if (message.key !== entry.personId)
      throw new DomainException(NotifierErrorCode.KeyMismatch, 'the message key must be the person id');
    if (entry.contentHmac && !HEX_HMAC.test(entry.contentHmac))
      throw new DomainException(NotifierErrorCode.InvalidField, 'content_hmac must be 64 hex digits');
    // Free text is scrubbed, not refused: an entry must not be lost from the regulator's log because a
    // producer wrote something shaped like a number into it, and plain contact data must not be kept.
    const scrubbed = {
      status: redactPiiInText(entry.status),
      recipientMasked: redactPiiInText(entry.recipientMasked),
      detail: redactPiiInText(entry.detail),
    };
    if (
      scrubbed.status !== entry.status ||
      scrubbed.recipientMasked !== entry.recipientMasked ||
      scrubbed.detail !== entry.detail
    ) {
      this.logger.warn(
        { entryId: entry.entryId, source: entry.source },
        'notification log entry carried what looks like plain personal data; masked',
      );
    }
    return this.batch.add({
      entryId: entry.entryId,
      occurredAt: timestampDate(entry.occurredAt),
      source: entry.source,
      incidentId: entry.incidentId,
      revision: entry.revision,
      personId: entry.personId,
      subjectId: entry.subjectId,
      kind: LogEntryKind[entry.kind] ?? String(entry.kind),
      channel: LogChannel[entry.channel] ?? String(entry.channel),
      status: scrubbed.status,
      templateId: entry.templateId || null,
      templateVersion: entry.templateVersion || null,
      contentHmac: entry.contentHmac || null,
      providerRef: entry.providerRef || null,
      recipientMasked: scrubbed.recipientMasked || null,
      errorCode: entry.errorCode || null,
      detail: scrubbed.detail || null,
      sourcePartition: message.partition,
      sourceOffset: message.offset,
    });
  }
}
