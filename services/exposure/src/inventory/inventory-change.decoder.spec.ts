import { DomainException } from '@bnp/errors';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { TimestampSchema, timestampFromDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  AccountStatus as ProtoAccountStatus,
  ClosureReason,
  InventoryChangedSchema,
  LineType,
  PiiCategory,
  Region,
  encodeMessage,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { AccountStatus } from '../directory/directory.enums';
import { categoryMask } from '../policy/categories';
import { InventoryChangeDecoder } from './inventory-change.decoder';
import { InventoryErrorCode } from './inventory.exception';

type EventInit = Omit<MessageInitShape<typeof InventoryChangedSchema>, '$typeName'>;

const NOW = Date.parse('2026-12-01T10:00:00Z');

const subscriberUpserted = (overrides: Record<string, unknown> = {}): EventInit['change'] => ({
  case: 'subscriberUpserted',
  value: {
    subscriberId: 'S1',
    cnic: '35202-1234567-1',
    name: '  Ayesha   Siddiqui ',
    msisdn: '0300-1234567',
    email: 'Ayesha@Example.PK',
    language: 'UR',
    region: Region.PUNJAB,
    lineType: LineType.CONSUMER,
    accountStatus: ProtoAccountStatus.ACTIVE,
    ...overrides,
  },
});

function message(
  change: EventInit['change'],
  key: string | null = 'S1',
  event: Partial<EventInit> = {},
): InboundMessage {
  return {
    topic: 'inventory.changes.v1',
    partition: 0,
    offset: '0',
    key,
    value: encodeMessage(InventoryChangedSchema, {
      eventId: 'evt-1',
      occurredAt: create(TimestampSchema, {
        seconds: BigInt(Date.parse('2026-11-30T08:15:00Z') / 1000),
        nanos: 123_456_789,
      }),
      source: 'bss',
      change,
      ...event,
    }),
    headers: {},
    timestamp: String(NOW),
    attempt: 0,
  };
}

function refusal(decode: () => unknown): { code: InventoryErrorCode; message: string } {
  try {
    decode();
  } catch (error) {
    if (DomainException.is(error, InventoryErrorCode)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the change was accepted');
}

describe(InventoryChangeDecoder.name, () => {
  const sut = new InventoryChangeDecoder(() => NOW);

  it('normalises a subscriber as the CSV import does, with the change time to the microsecond', () => {
    expect(sut.decode(message(subscriberUpserted()))).toEqual({
      eventId: 'evt-1',
      occurredAt: '2026-11-30T08:15:00.123456Z',
      source: 'bss',
      kind: 'subscriber-upserted',
      subscriber: {
        subscriberId: 'S1',
        cnic: '3520212345671',
        name: 'Ayesha Siddiqui',
        msisdn: '+923001234567',
        email: 'ayesha@example.pk',
        language: 'ur',
        region: Region.PUNJAB,
        lineType: LineType.CONSUMER,
        accountStatus: AccountStatus.Active,
      },
    });
  });

  it('reads an absent email as none (the stored one is kept)', () => {
    const change = sut.decode(message(subscriberUpserted({ email: undefined })));
    expect(change.kind === 'subscriber-upserted' && change.subscriber.email).toBeNull();
  });

  it('refuses a bad MSISDN and a bad CNIC with their codes, never echoing the values', () => {
    const msisdn = refusal(() => sut.decode(message(subscriberUpserted({ msisdn: '0300-12345' }))));
    expect(msisdn.code).toBe(InventoryErrorCode.InvalidMsisdn);
    expect(msisdn.message).toContain('subscriber_upserted.msisdn');
    expect(msisdn.message).not.toContain('12345');

    const cnic = refusal(() => sut.decode(message(subscriberUpserted({ cnic: '35202-1234567' }))));
    expect(cnic.code).toBe(InventoryErrorCode.InvalidCnic);
    expect(cnic.message).not.toContain('1234567');
  });

  it('refuses a subscriber without region, an unknown language and a bad email', () => {
    expect(refusal(() => sut.decode(message(subscriberUpserted({ region: Region.UNSPECIFIED })))).code).toBe(
      InventoryErrorCode.MissingField,
    );
    expect(refusal(() => sut.decode(message(subscriberUpserted({ language: 'fr' })))).code).toBe(
      InventoryErrorCode.InvalidField,
    );
    expect(refusal(() => sut.decode(message(subscriberUpserted({ email: 'not-an-email' })))).code).toBe(
      InventoryErrorCode.InvalidEmail,
    );
  });

  it('refuses empty, undecodable and change-less messages as malformed', () => {
    const empty = { ...message(subscriberUpserted()), value: Buffer.alloc(0) };
    expect(refusal(() => sut.decode(empty)).code).toBe(InventoryErrorCode.MalformedChange);
    const garbage = { ...message(subscriberUpserted()), value: Buffer.from([0x0a, 0xff, 0xff, 0xff]) };
    expect(refusal(() => sut.decode(garbage)).code).toBe(InventoryErrorCode.MalformedChange);
    expect(refusal(() => sut.decode(message({ case: undefined }))).code).toBe(InventoryErrorCode.MalformedChange);
  });

  it('needs an event id and a change time not in the future', () => {
    expect(refusal(() => sut.decode(message(subscriberUpserted(), 'S1', { eventId: ' ' }))).code).toBe(
      InventoryErrorCode.MissingField,
    );
    expect(refusal(() => sut.decode(message(subscriberUpserted(), 'S1', { occurredAt: undefined }))).code).toBe(
      InventoryErrorCode.MissingField,
    );
    const future = refusal(() =>
      sut.decode(message(subscriberUpserted(), 'S1', { occurredAt: timestampFromMs(NOW + 60 * 60_000) })),
    );
    expect(future).toEqual({ code: InventoryErrorCode.InvalidField, message: expect.stringContaining('future') });
  });

  it('refuses a key other than the subscriber id (or the asset id for assets)', () => {
    expect(refusal(() => sut.decode(message(subscriberUpserted(), 'S2'))).code).toBe(InventoryErrorCode.KeyMismatch);
    expect(refusal(() => sut.decode(message(subscriberUpserted(), null))).code).toBe(InventoryErrorCode.KeyMismatch);
    const asset = {
      case: 'assetUpserted' as const,
      value: { assetId: 'crm.subscribers', owningSystem: 'crm', categories: [PiiCategory.NAME] },
    };
    expect(refusal(() => sut.decode(message(asset, 'S1'))).code).toBe(InventoryErrorCode.KeyMismatch);
  });

  it('decodes holdings, with an open or closed record range', () => {
    const holding = (recordsTo?: Date) => ({
      case: 'holdingUpserted' as const,
      value: {
        subscriberId: 'S1',
        assetId: 'crm.subscribers',
        region: Region.SINDH,
        recordsFrom: timestampFromDate(new Date('2019-01-01T00:00:00Z')),
        recordsTo: recordsTo ? timestampFromDate(recordsTo) : undefined,
      },
    });
    expect(sut.decode(message(holding()))).toMatchObject({
      kind: 'holding-upserted',
      holding: {
        assetId: 'crm.subscribers',
        subscriberId: 'S1',
        region: Region.SINDH,
        recordsFrom: Date.parse('2019-01-01T00:00:00Z'),
        recordsTo: null,
      },
    });
    expect(refusal(() => sut.decode(message(holding(new Date('2018-01-01T00:00:00Z'))))).code).toBe(
      InventoryErrorCode.InvalidField,
    );
    const noStart = { case: 'holdingUpserted' as const, value: { ...holding().value, recordsFrom: undefined } };
    expect(refusal(() => sut.decode(message(noStart))).code).toBe(InventoryErrorCode.MissingField);
  });

  it('decodes removals and closures, which need a reason', () => {
    expect(
      sut.decode(message({ case: 'holdingRemoved', value: { subscriberId: 'S1', assetId: 'cdr.voice' } })),
    ).toMatchObject({ kind: 'holding-removed', subscriberId: 'S1', assetId: 'cdr.voice' });
    expect(
      sut.decode(
        message({ case: 'subscriberClosed', value: { subscriberId: 'S1', reason: ClosureReason.MSISDN_REASSIGNED } }),
      ),
    ).toMatchObject({ kind: 'subscriber-closed', subscriberId: 'S1', reason: ClosureReason.MSISDN_REASSIGNED });
    expect(refusal(() => sut.decode(message({ case: 'subscriberClosed', value: { subscriberId: 'S1' } }))).code).toBe(
      InventoryErrorCode.MissingField,
    );
    expect(
      refusal(() => sut.decode(message({ case: 'holdingRemoved', value: { subscriberId: 'S1', assetId: 'a b' } })))
        .code,
    ).toBe(InventoryErrorCode.InvalidField);
  });

  it('decodes an asset with its categories as the stored bitmask, refusing UNSPECIFIED', () => {
    const asset = (categories: PiiCategory[]) => ({
      case: 'assetUpserted' as const,
      value: { assetId: 'crm.subscribers', owningSystem: 'crm', categories },
    });
    expect(sut.decode(message(asset([PiiCategory.NAME, PiiCategory.MSISDN]), 'crm.subscribers'))).toMatchObject({
      kind: 'asset-upserted',
      asset: {
        assetId: 'crm.subscribers',
        owningSystem: 'crm',
        categories: categoryMask([PiiCategory.NAME, PiiCategory.MSISDN]),
        description: '',
      },
    });
    expect(refusal(() => sut.decode(message(asset([PiiCategory.UNSPECIFIED]), 'crm.subscribers'))).code).toBe(
      InventoryErrorCode.InvalidField,
    );
    expect(refusal(() => sut.decode(message(asset([]), 'crm.subscribers'))).code).toBe(InventoryErrorCode.MissingField);
  });
});
