import { DomainException } from '@bnp/errors';
import { ContractDecodeError, ProtectionAckSchema, ProtectionOutcome, decodeBinary } from '@bnp/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { InboundMessage } from '@bnp/messaging';
import { ProtectionErrorCode } from '../enrollment/protection.exception';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_DETAIL = 500;

export interface Acknowledgement {
  commandId: string;
  outcome: ProtectionOutcome.APPLIED | ProtectionOutcome.ALREADY_APPLIED | ProtectionOutcome.REJECTED;
  detail: string;
  acknowledgedAt: Date;
}

/** Reads a ProtectionAck from `fraud.protection.acks.v1`. */
export function decodeAcknowledgement(message: InboundMessage): Acknowledgement {
  if (!message.value || message.value.length === 0)
    throw new DomainException(ProtectionErrorCode.MalformedPayload, 'empty message value');
  let ack;
  try {
    ack = decodeBinary(ProtectionAckSchema, message.value);
  } catch (error) {
    if (error instanceof ContractDecodeError)
      throw new DomainException(ProtectionErrorCode.MalformedPayload, error.message);
    throw error;
  }
  if (!ack.commandId) throw new DomainException(ProtectionErrorCode.MissingField, 'command_id is required');
  if (!UUID.test(ack.commandId))
    throw new DomainException(ProtectionErrorCode.InvalidField, 'command_id is not a command fraud-guard issued');
  const outcome = ack.outcome;
  if (
    outcome !== ProtectionOutcome.APPLIED &&
    outcome !== ProtectionOutcome.ALREADY_APPLIED &&
    outcome !== ProtectionOutcome.REJECTED
  ) {
    throw new DomainException(ProtectionErrorCode.InvalidField, 'outcome must be APPLIED, ALREADY_APPLIED or REJECTED');
  }
  return {
    commandId: ack.commandId.toLowerCase(),
    outcome,
    detail: ack.detail.slice(0, MAX_DETAIL),
    acknowledgedAt: ack.acknowledgedAt ? timestampDate(ack.acknowledgedAt) : new Date(),
  };
}
