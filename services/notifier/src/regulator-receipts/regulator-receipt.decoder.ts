import { DomainException } from '@bnp/errors';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ContractDecodeError, decodeBinary, RegulatorReportFiledSchema } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { NotifierErrorCode } from '../shared/notifier.exception';

export interface ReceivedRegulatorReceipt {
  reportId: string;
  incidentId: string;
  regulatorId: string;
  obligationId: string;
  filedAt: Date;
  receiptId: string;
}

const required = (value: string, field: string): string => {
  if (!value) throw new DomainException(NotifierErrorCode.MissingField, `${field} is required`);
  return value;
};

/** Decodes regulator.reports.v1; anything malformed is dead-lettered with its reason by the filter. */
export function decodeRegulatorReceipt(message: InboundMessage): ReceivedRegulatorReceipt {
  if (!message.value || message.value.length === 0)
    throw new DomainException(NotifierErrorCode.MalformedPayload, 'empty message value');
  let event;
  try {
    event = decodeBinary(RegulatorReportFiledSchema, message.value);
  } catch (error) {
    if (error instanceof ContractDecodeError)
      throw new DomainException(NotifierErrorCode.MalformedPayload, error.message);
    throw error;
  }
  const incidentId = required(event.incidentId, 'incident_id');
  if (message.key !== incidentId)
    throw new DomainException(NotifierErrorCode.KeyMismatch, 'the message key must be the incident id');
  if (!event.filedAt) throw new DomainException(NotifierErrorCode.MissingField, 'filed_at is required');
  return {
    reportId: required(event.reportId, 'report_id'),
    incidentId,
    regulatorId: required(event.regulatorId, 'regulator_id'),
    obligationId: required(event.obligationId, 'obligation_id'),
    filedAt: timestampDate(event.filedAt),
    receiptId: required(event.receiptId, 'receipt_id'),
  };
}
