import { ContractDecodeError, NotificationLogEntrySchema, PersonExposedSchema, decodeBinary } from '@bnp/contracts';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { InboundMessage } from '@bnp/messaging';
import { TlogErrorCode, TlogException } from '../append/tlog.exception';
import { LeafTooLargeError, exposureDecisionLeaf, notificationLeaf, type Leaf } from './leaf';
import type { Pseudonymizer } from './pseudonymizer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_HMAC = /^[0-9a-f]{64}$/;

function decode<Desc extends DescMessage>(schema: Desc, message: InboundMessage): MessageShape<Desc> {
  if (!message.value || message.value.length === 0)
    throw new TlogException(TlogErrorCode.MalformedPayload, 'empty message value');
  try {
    return decodeBinary(schema, message.value);
  } catch (error) {
    if (error instanceof ContractDecodeError) throw new TlogException(TlogErrorCode.MalformedPayload, error.message);
    throw error;
  }
}

function required(fields: [string, unknown][]): void {
  for (const [name, value] of fields)
    if (!value) throw new TlogException(TlogErrorCode.MissingField, `${name} is required`);
}

function built(make: () => Leaf): Leaf {
  try {
    return make();
  } catch (error) {
    if (error instanceof LeafTooLargeError) throw new TlogException(TlogErrorCode.EntryTooLarge, error.message);
    throw error;
  }
}

/** Validates a Kafka message and turns it into the log's canonical entry; bad ones are refused with a code. */
export class LeafDecoder {
  constructor(private readonly ids: Pseudonymizer) {}

  notification(message: InboundMessage): Leaf {
    const entry = decode(NotificationLogEntrySchema, message);
    if (!UUID.test(entry.entryId)) throw new TlogException(TlogErrorCode.InvalidField, 'entry_id must be a UUID');
    required([
      ['occurred_at', entry.occurredAt],
      ['source', entry.source],
      ['incident_id', entry.incidentId],
      ['person_id', entry.personId],
      ['subject_id', entry.subjectId],
      ['status', entry.status],
    ]);
    if (message.key !== entry.personId)
      throw new TlogException(TlogErrorCode.KeyMismatch, 'the message key must be the person id');
    if (entry.contentHmac && !HEX_HMAC.test(entry.contentHmac))
      throw new TlogException(TlogErrorCode.InvalidField, 'content_hmac must be 64 hex digits');
    return built(() => notificationLeaf(entry, this.ids));
  }

  exposureDecision(message: InboundMessage): Leaf {
    const event = decode(PersonExposedSchema, message);
    required([
      ['exposure_id', event.exposureId],
      ['incident_id', event.incidentId],
      ['person_id', event.personId],
      ['revision', event.revision],
    ]);
    if (message.key !== event.personId)
      throw new TlogException(TlogErrorCode.KeyMismatch, 'the message key must be the person id');
    return built(() => exposureDecisionLeaf(event, this.ids));
  }
}
