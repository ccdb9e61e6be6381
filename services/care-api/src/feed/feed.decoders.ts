import { type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  ContractDecodeError,
  ControlAction,
  EnrollmentCreatedSchema,
  IncidentControlSchema,
  NotificationLogEntrySchema,
  PersonExposedSchema,
  decodeBinary,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { normalizeEmail, normalizeMsisdn, redactPiiInText } from '@bnp/pii';
import { CareErrorCode, CareException } from '../shared/care.exception';
import type { ContactKeys } from '../shared/contact-keys';
import type { ControlRow, EnrollmentRow, ExposureNumberRow, ExposureRow, LogRow } from './feed.rows';

function decode<T extends DescMessage>(schema: T, message: InboundMessage): MessageShape<T> {
  if (!message.value || message.value.length === 0) {
    throw new CareException(CareErrorCode.MalformedPayload, 'empty message value');
  }
  try {
    return decodeBinary(schema, message.value);
  } catch (error) {
    if (error instanceof ContractDecodeError) {
      throw new CareException(CareErrorCode.MalformedPayload, redactPiiInText(error.message));
    }
    throw error;
  }
}

function required(value: string, field: string): string {
  if (!value) throw new CareException(CareErrorCode.MissingField, `${field} is required`);
  return value;
}

function keyed(message: InboundMessage, expected: string, what: string): void {
  if (message.key !== expected)
    throw new CareException(CareErrorCode.KeyMismatch, `the message key must be the ${what}`);
}

const dateOf = (timestamp: Timestamp | undefined) => (timestamp ? timestampDate(timestamp) : null);

/** A PersonExposed: the revision, and each number with a blind index when the person still holds it. */
export function decodeExposure(
  message: InboundMessage,
  keys: ContactKeys,
): { exposure: ExposureRow; numbers: ExposureNumberRow[] } {
  const event = decode(PersonExposedSchema, message);
  const incidentId = required(event.incidentId, 'incident_id');
  const personId = required(event.personId, 'person_id');
  keyed(message, personId, 'person id');
  if (event.revision < 1) throw new CareException(CareErrorCode.MissingField, 'revision must be 1 or more');
  const email = event.emailCiphertext.length > 0 ? keys.openEmail(event.emailCiphertext) : null;
  const exposure: ExposureRow = {
    incidentId,
    personId,
    revision: event.revision,
    exposureId: required(event.exposureId, 'exposure_id'),
    change: event.change,
    categories: [...event.categories],
    newCategories: [...event.newCategories],
    tier: event.tier,
    policyVersion: event.policyVersion,
    policyRule: event.policyRule,
    channels: [...event.channels],
    actions: [...event.actions],
    language: event.language || 'ur',
    emailMasked: event.emailMasked || null,
    emailEnc: email === null ? null : Buffer.from(event.emailCiphertext),
    emailBidx: email === null ? null : keys.indexer.index('email', normalizeEmail(email)),
    dryRun: event.dryRun,
    jurisdiction: event.jurisdiction,
    detectedAt: dateOf(event.detectedAt),
  };
  const numbers = event.subscriptions.map((subscription): ExposureNumberRow => {
    const subscriberId = required(subscription.subscriberId, 'subscriptions.subscriber_id');
    // A number no longer held is never indexed: looking it up must not lead to its former holder.
    const held = subscription.stillHeld && subscription.msisdnCiphertext.length > 0;
    const msisdn = held ? keys.openMsisdn(subscription.msisdnCiphertext, subscriberId) : null;
    return {
      subscriberId,
      stillHeld: subscription.stillHeld,
      lineType: subscription.lineType,
      msisdnMasked: subscription.msisdnMasked,
      msisdnEnc: held ? Buffer.from(subscription.msisdnCiphertext) : null,
      msisdnBidx: msisdn === null ? null : keys.indexer.index('msisdn', normalizeMsisdn(msisdn)),
    };
  });
  return { exposure, numbers };
}

/** A NotificationLogEntry: notices, deliveries, enrollment changes, protection commands and acknowledgements. */
export function decodeLogEntry(message: InboundMessage): LogRow {
  const event = decode(NotificationLogEntrySchema, message);
  const personId = required(event.personId, 'person_id');
  keyed(message, personId, 'person id');
  return {
    entryId: required(event.entryId, 'entry_id'),
    occurredAt: dateOf(event.occurredAt) ?? new Date(message.timestamp ? Number(message.timestamp) : Date.now()),
    source: event.source,
    incidentId: required(event.incidentId, 'incident_id'),
    revision: event.revision,
    personId,
    subjectId: event.subjectId,
    kind: event.kind,
    channel: event.channel,
    status: event.status,
    templateId: event.templateId,
    templateVersion: event.templateVersion,
    recipientMasked: event.recipientMasked,
    errorCode: event.errorCode,
    detail: redactPiiInText(event.detail),
  };
}

export function decodeEnrollment(message: InboundMessage): EnrollmentRow {
  const event = decode(EnrollmentCreatedSchema, message);
  const personId = required(event.personId, 'person_id');
  keyed(message, personId, 'person id');
  return {
    enrollmentId: required(event.enrollmentId, 'enrollment_id'),
    incidentId: required(event.incidentId, 'incident_id'),
    personId,
    exposureIdempotencyKey: event.exposureIdempotencyKey,
    enrollBy: dateOf(event.enrollBy),
    monitoringMonths: event.monitoringMonths,
    actions: [...event.actions],
    protectedSubscriptions: event.protectedSubscriptions,
  };
}

const CONTROL_ACTIONS: Record<ControlAction, ControlRow['action'] | null> = {
  [ControlAction.UNSPECIFIED]: null,
  [ControlAction.RELEASED]: 'released',
  [ControlAction.PAUSED]: 'paused',
  [ControlAction.RESUMED]: 'resumed',
};

export function decodeControl(message: InboundMessage): ControlRow {
  const event = decode(IncidentControlSchema, message);
  const incidentId = required(event.incidentId, 'incident_id');
  keyed(message, incidentId, 'incident id');
  const action = CONTROL_ACTIONS[event.action];
  if (!action) throw new CareException(CareErrorCode.MissingField, 'action is required');
  const decidedAt = dateOf(event.decidedAt);
  if (!decidedAt) throw new CareException(CareErrorCode.MissingField, 'decided_at is required');
  return {
    controlId: required(event.controlId, 'control_id'),
    incidentId,
    revision: event.revision,
    action,
    reason: redactPiiInText(event.reason),
    decidedAt,
  };
}
