import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ControlAction, IncidentControlSchema } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { ProtectionErrorCode, ProtectionException } from '../enrollment/protection.exception';
import { decodeIncidentControl } from './incident-control.decoder';

const decidedAt = new Date('2026-11-26T10:15:00.123Z');

function message(
  init: Omit<MessageInitShape<typeof IncidentControlSchema>, '$typeName'>,
  key: string | null = 'INC-1',
): InboundMessage {
  return {
    topic: 'incident.control.v1',
    partition: 0,
    offset: '0',
    key,
    value: Buffer.from(toBinary(IncidentControlSchema, create(IncidentControlSchema, init))),
    headers: { 'content-type': 'application/protobuf' },
    timestamp: '0',
    attempt: 0,
  };
}

const valid = {
  controlId: 'control-1',
  incidentId: 'INC-1',
  action: ControlAction.PAUSED,
  actors: ['alice'],
  reason: 'directory import under review',
  decidedAt: timestampFromDate(decidedAt),
};

const codeOf = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return (error as ProtectionException).code;
  }
  return undefined;
};

describe(decodeIncidentControl.name, () => {
  const sut = decodeIncidentControl;

  it('reads pause, resume and release with the time the decision was taken', () => {
    expect(sut(message(valid))).toEqual({
      controlId: 'control-1',
      incidentId: 'INC-1',
      action: 'paused',
      decidedAt,
    });
    expect(sut(message({ ...valid, action: ControlAction.RESUMED })).action).toBe('resumed');
    expect(sut(message({ ...valid, action: ControlAction.RELEASED, revision: 2 })).action).toBe('released');
  });

  it('dead-letters what cannot be ordered or attributed: no decided_at, no action, no ids, a foreign key', () => {
    expect(codeOf(() => sut(message({ ...valid, decidedAt: undefined })))).toBe(ProtectionErrorCode.MissingField);
    expect(codeOf(() => sut(message({ ...valid, action: ControlAction.UNSPECIFIED })))).toBe(
      ProtectionErrorCode.MissingField,
    );
    // An action the contract does not declare is refused by the contract decoder itself (closed enums).
    expect(codeOf(() => sut(message({ ...valid, action: 42 as ControlAction })))).toBe(
      ProtectionErrorCode.MalformedPayload,
    );
    expect(codeOf(() => sut(message({ ...valid, controlId: '' })))).toBe(ProtectionErrorCode.MissingField);
    expect(codeOf(() => sut(message({ ...valid, incidentId: '' }, '')))).toBe(ProtectionErrorCode.MissingField);
    expect(codeOf(() => sut(message(valid, 'INC-2')))).toBe(ProtectionErrorCode.KeyMismatch);
    expect(codeOf(() => sut({ ...message(valid), value: Buffer.from([0xff, 0xff, 0xff]) }))).toBe(
      ProtectionErrorCode.MalformedPayload,
    );
    expect(codeOf(() => sut({ ...message(valid), value: null }))).toBe(ProtectionErrorCode.MalformedPayload);
  });
});
