import { DomainException } from '@bnp/errors';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ContractDecodeError, ControlAction, IncidentControlSchema, decodeBinary } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { redactPiiInText } from '@bnp/pii';
import { ProtectionErrorCode } from '../enrollment/protection.exception';

/** An IncidentControl from `incident.control.v1`, validated. */
export interface ReceivedControl {
  controlId: string;
  incidentId: string;
  action: 'paused' | 'resumed' | 'released';
  decidedAt: Date;
}

/** Reads an IncidentControl; the key must be the incident id and the decision must say when it was taken. */
export function decodeIncidentControl(message: InboundMessage): ReceivedControl {
  if (!message.value || message.value.length === 0)
    throw new DomainException(ProtectionErrorCode.MalformedPayload, 'empty message value');
  let event;
  try {
    event = decodeBinary(IncidentControlSchema, message.value);
  } catch (error) {
    if (error instanceof ContractDecodeError)
      throw new DomainException(ProtectionErrorCode.MalformedPayload, redactPiiInText(error.message));
    throw error;
  }
  if (!event.incidentId) throw new DomainException(ProtectionErrorCode.MissingField, 'incident_id is required');
  if (message.key !== event.incidentId)
    throw new DomainException(ProtectionErrorCode.KeyMismatch, 'the message key must be the incident id');
  if (!event.controlId) throw new DomainException(ProtectionErrorCode.MissingField, 'control_id is required');
  // The order of decisions is decided_at: without it a late control could not be told from a new one.
  if (!event.decidedAt) throw new DomainException(ProtectionErrorCode.MissingField, 'decided_at is required');
  const base = { controlId: event.controlId, incidentId: event.incidentId, decidedAt: timestampDate(event.decidedAt) };
  switch (event.action) {
    case ControlAction.PAUSED:
      return { ...base, action: 'paused' };
    case ControlAction.RESUMED:
      return { ...base, action: 'resumed' };
    case ControlAction.RELEASED:
      return { ...base, action: 'released' };
    case ControlAction.UNSPECIFIED:
      throw new DomainException(ProtectionErrorCode.MissingField, 'action is required');
  }
  throw new DomainException(ProtectionErrorCode.InvalidField, `unknown action ${String(event.action)}`);
}
