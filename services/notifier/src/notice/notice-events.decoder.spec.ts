import { randomBytes } from 'node:crypto';
import { ControlAction, LineType, PiiCategory, RiskTier } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { FieldCipher } from '@bnp/pii';
import { ContactSealer } from '../shared/contact-sealer';
import { NotifierErrorCode } from '../shared/notifier.exception';
import { enrollmentCreated, incidentControl, personExposed, testCipher } from '../testing/events';
import { NoticeEventsDecoder } from './notice-events.decoder';

function inbound(message: { key: string | null; value: Buffer | null }): InboundMessage {
  return {
    topic: 't',
    partition: 0,
    offset: '1',
    key: message.key,
    value: message.value,
    headers: {},
    timestamp: '0',
    attempt: 0,
  };
}

describe(NoticeEventsDecoder.name, () => {
  const sut = new NoticeEventsDecoder(new ContactSealer(testCipher));
  const base = { incidentId: 'INC-1', tier: RiskTier.CRITICAL, categories: [PiiCategory.CNIC] };

  it('opens the numbers the person still holds and skips recycled and machine SIMs', () => {
    const event = personExposed({
      ...base,
      numbers: [
        { msisdn: '0300-1234567' },
        { msisdn: '+923011111111', stillHeld: false },
        { msisdn: '+923022222222', lineType: LineType.MACHINE_TO_MACHINE },
        { msisdn: '042-1234567' },
      ],
      email: ' Ali.Khan@Example.PK ',
    });
    const received = sut.exposure(inbound(event));
    expect(received.numbers.map((number) => [number.e164, number.masked])).toEqual([
      ['+923001234567', '+92 3** *** **67'],
      [null, expect.any(String)],
    ]);
    expect(received.email).toEqual({ address: 'ali.khan@example.pk', masked: 'a*******@e******.pk' });
    expect(received.needsEnrollment).toBe(true);
    expect(received.idempotencyKey).toBe(event.idempotencyKey);
  });

  it('notices in Urdu when the requested language has no templates', () => {
    const received = sut.exposure(inbound(personExposed({ ...base, numbers: [], language: 'fr' as 'en' })));
    expect(received.language).toBe('ur');
    expect(received.requestedLanguage).toBe('fr');
  });

  it('refuses what can never be processed, and retries envelopes under a key it does not have yet', () => {
    const event = personExposed({ ...base, numbers: [{ msisdn: '+923001234567' }] });
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => sut.exposure(inbound({ ...event, key: 'someone-else' })))).toBe(NotifierErrorCode.KeyMismatch);
    expect(code(() => sut.exposure(inbound({ key: event.key, value: Buffer.from('not protobuf at all') })))).toBe(
      NotifierErrorCode.MalformedPayload,
    );
    const otherKeys = new NoticeEventsDecoder(
      new ContactSealer(new FieldCipher({ activeKeyId: 'other', keys: { other: randomBytes(32) } })),
    );
    expect(code(() => otherKeys.exposure(inbound(event)))).toBe(NotifierErrorCode.UnknownKey);
    const wrongKeySameId = new NoticeEventsDecoder(
      new ContactSealer(new FieldCipher({ activeKeyId: 'test1', keys: { test1: randomBytes(32) } })),
    );
    expect(code(() => wrongKeySameId.exposure(inbound(event)))).toBe(NotifierErrorCode.UnreadableEnvelope);
  });

  it('opens the activation code fraud-guard bound to its enrollment', () => {
    const event = enrollmentCreated({
      incidentId: 'INC-1',
      personId: 'P-1',
      idempotencyKey: 'INC-1:P-1:1',
      code: 'K7Q2-9XMD',
      enrollmentId: 'E-1',
    });
    expect(sut.enrollment(inbound(event))).toMatchObject({
      enrollmentId: 'E-1',
      activationCode: 'K7Q2-9XMD',
      exposureIdempotencyKey: 'INC-1:P-1:1',
    });
  });

  it('reads pause and resume, keyed by incident', () => {
    expect(sut.control(inbound(incidentControl('INC-1', ControlAction.PAUSED)))).toMatchObject({
      action: 'paused',
      incidentId: 'INC-1',
    });
    expect(() => sut.control(inbound({ ...incidentControl('INC-1', ControlAction.RESUMED), key: 'INC-2' }))).toThrow(
      /incident id/,
    );
  });
});
