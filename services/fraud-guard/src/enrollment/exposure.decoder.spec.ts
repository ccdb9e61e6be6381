import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { ExposureChange, PersonExposedSchema, ProtectiveAction, RiskTier } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { BlindIndexer, FieldCipher } from '@bnp/pii';
import { aad } from '../pii-context';
import { ExposureDecoder } from './exposure.decoder';
import { ProtectionErrorCode, ProtectionException } from './protection.exception';

const cipher = new FieldCipher({ activeKeyId: 'k1', keys: { k1: Buffer.alloc(32, 3) } });
const blindIndexer = new BlindIndexer(Buffer.alloc(32, 4));

function message(
  init: Omit<MessageInitShape<typeof PersonExposedSchema>, '$typeName'>,
  key = 'person-1',
): InboundMessage {
  return {
    topic: 'exposure.v1',
    partition: 0,
    offset: '0',
    key,
    value: Buffer.from(toBinary(PersonExposedSchema, create(PersonExposedSchema, init))),
    headers: { 'content-type': 'application/protobuf' },
    timestamp: '0',
    attempt: 0,
  };
}

const valid = {
  exposureId: 'INC-1:person-1',
  incidentId: 'INC-1',
  revision: 1,
  personId: 'person-1',
  change: ExposureChange.NEW,
  tier: RiskTier.HIGH,
  actions: [ProtectiveAction.FRAUD_MONITORING, ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.SIM_SWAP_LOCK],
  idempotencyKey: 'INC-1:person-1:1',
  subscriptions: [
    {
      subscriberId: 's1',
      stillHeld: true,
      msisdnCiphertext: cipher.encrypt('+923001234567', aad.msisdn),
      msisdnMasked: '+92 3** *** **67',
    },
    { subscriberId: 's2', stillHeld: false, msisdnMasked: '+92 3** *** **11' },
  ],
};

const codeOf = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return (error as ProtectionException).code;
  }
  return undefined;
};

describe(ExposureDecoder.name, () => {
  const sut = new ExposureDecoder(cipher, blindIndexer);

  it('refuses an action the contract does not declare instead of guessing at it (closed enums)', () => {
    const unknown = message({ ...valid, actions: [ProtectiveAction.SIM_SWAP_LOCK, 99 as ProtectiveAction] });
    expect(codeOf(() => sut.decode(unknown))).toBe(ProtectionErrorCode.MalformedPayload);
  });

  it('blind-indexes the numbers still held, not recycled ones, and keeps each action once', () => {
    const request = sut.decode(message(valid));
    expect(request.actions).toEqual([ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.FRAUD_MONITORING]);
    expect(request.subscriptions.map((subscription) => subscription.msisdnBlindIndex)).toEqual([
      blindIndexer.indexHex('msisdn', '+923001234567'),
      null,
    ]);
    expect(JSON.stringify(request)).not.toContain('1234567');
  });

  it('dead-letters a message whose key is not the person', () => {
    expect(codeOf(() => sut.decode(message(valid, 'someone-else')))).toBe(ProtectionErrorCode.KeyMismatch);
  });

  it('refuses a number it cannot open (a key not in the ring), without showing it', () => {
    const foreign = new FieldCipher({ activeKeyId: 'k9', keys: { k9: Buffer.alloc(32, 9) } });
    const sealedElsewhere = {
      ...valid,
      subscriptions: [{ ...valid.subscriptions[0]!, msisdnCiphertext: foreign.encrypt('+923001234567') }],
    };
    let error: ProtectionException | undefined;
    try {
      sut.decode(message(sealedElsewhere));
    } catch (caught) {
      error = caught as ProtectionException;
    }
    expect(error?.code).toBe(ProtectionErrorCode.UnreadableMsisdn);
    expect(error?.message).not.toContain('1234567');
  });

  it.each([
    ['no change', { change: ExposureChange.UNSPECIFIED }, ProtectionErrorCode.InvalidField],
    ['no idempotency key', { idempotencyKey: '' }, ProtectionErrorCode.MissingField],
    ['revision 0', { revision: 0 }, ProtectionErrorCode.MissingField],
  ])('refuses an exposure with %s', (_name, override, code) => {
    expect(codeOf(() => sut.decode(message({ ...valid, ...override })))).toBe(code);
  });

  it('refuses bytes that are not a PersonExposed', () => {
    expect(codeOf(() => sut.decode({ ...message(valid), value: Buffer.from([0x0a, 0xff, 0xff]) }))).toBe(
      ProtectionErrorCode.MalformedPayload,
    );
  });
});
