import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AttackVector,
  Channel,
  ExposureChange,
  LineType,
  PersonExposedSchema,
  PiiCategory,
  ProtectiveAction,
  RiskTier,
  SubscriptionSchema,
} from '@bnp/contracts';
import { encodePersonExposed, type PersonExposedFields } from './person-exposed.encoder';

const reference = (fields: PersonExposedFields) =>
  Buffer.from(toBinary(PersonExposedSchema, create(PersonExposedSchema, fields)));

const makeFields = (overrides: Partial<PersonExposedFields> = {}): PersonExposedFields => ({
  exposureId: '6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  incidentId: 'INC-2026-0042',
  revision: 3,
  personId: '0b7e8c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e',
  change: ExposureChange.WIDENED,
  categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
  newCategories: [PiiCategory.CNIC],
  tier: RiskTier.HIGH,
  policyVersion: 'risk-policy.v1',
  policyRule: 'identity-with-financial',
  channels: [Channel.SMS, Channel.EMAIL],
  actions: [ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.PORT_OUT_LOCK],
  subscriptions: [
    {
      subscriberId: 'S-1001',
      stillHeld: true,
      lineType: LineType.CONSUMER,
      msisdnCiphertext: Buffer.alloc(60, 7),
      msisdnMasked: '+92 300 ***1111',
    },
    { subscriberId: 'S-1002', stillHeld: false, lineType: 0, msisdnCiphertext: new Uint8Array(), msisdnMasked: '' },
  ],
  emailCiphertext: Buffer.alloc(200, 9),
  emailMasked: 'a***@e****.pk',
  language: 'ur',
  dryRun: false,
  noticeAlreadySent: true,
  detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00.123Z')),
  occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
  jurisdiction: 'PK',
  idempotencyKey: 'INC-2026-0042:0b7e8c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e:3',
  attackVectors: [AttackVector.PHISHING, AttackVector.DDOS],
  ...overrides,
});

describe(encodePersonExposed.name, () => {
  it.each<[string, Partial<PersonExposedFields>]>([
    ['a typical widening with two subscriptions', {}],
    [
      'every field at its default',
      {
        exposureId: '',
        incidentId: '',
        revision: 0,
        personId: '',
        change: 0,
        categories: [],
        newCategories: [],
        tier: 0,
        policyVersion: '',
        policyRule: '',
        channels: [],
        actions: [],
        subscriptions: [],
        emailCiphertext: new Uint8Array(),
        emailMasked: '',
        language: '',
        dryRun: false,
        noticeAlreadySent: false,
        detectedAt: timestampFromDate(new Date(0)),
        occurredTo: timestampFromDate(new Date(0)),
        jurisdiction: '',
        idempotencyKey: '',
        attackVectors: [],
      },
    ],
    ['a dry run with non-ASCII text', { dryRun: true, emailMasked: 'عائشہ***@e****.pk', policyRule: 'قاعدہ-۱' }],
    [
      'large and negative numbers',
      { revision: 4_294_967_295, tier: 2 ** 31 - 1, change: -1, attackVectors: [-2, 300] },
    ],
    [
      'many subscriptions and a long payload',
      {
        subscriptions: Array.from({ length: 300 }, (_, index) => ({
          subscriberId: `S-${index}`,
          stillHeld: index % 2 === 0,
          lineType: index % 4,
          msisdnCiphertext: Buffer.alloc(index, index % 256),
          msisdnMasked: `+92 3** *** **${index}`,
        })),
      },
    ],
  ])('writes what protobuf-es writes: %s', (_, overrides) => {
    const fields = makeFields(overrides);
    const bytes = encodePersonExposed(fields);
    expect(bytes.equals(reference(fields))).toBe(true);
    // The wire format only: decodeBinary would refuse the undeclared enum numbers this case writes on purpose.
    expect(fromBinary(PersonExposedSchema, bytes).idempotencyKey).toBe(fields.idempotencyKey);
  });

  it('returns a buffer of its own for each message', () => {
    const first = encodePersonExposed(makeFields({ personId: 'first' }));
    const copy = Buffer.from(first);
    encodePersonExposed(makeFields({ personId: 'second' }));
    expect(first.equals(copy)).toBe(true);
  });

  it('knows every field of the contract (a new field must be added to the encoder)', () => {
    const fieldsOf = (schema: typeof PersonExposedSchema | typeof SubscriptionSchema) =>
      schema.fields.map((field) => `${field.number}:${field.name}`);
    expect(fieldsOf(PersonExposedSchema)).toEqual(
      [
        'exposure_id',
        'incident_id',
        'revision',
        'person_id',
        'change',
        'categories',
        'new_categories',
        'tier',
        'policy_version',
        'policy_rule',
        'channels',
        'actions',
        'subscriptions',
        'email_ciphertext',
        'email_masked',
        'language',
        'dry_run',
        'notice_already_sent',
        'detected_at',
        'occurred_to',
        'jurisdiction',
        'idempotency_key',
        'attack_vectors',
      ].map((name, index) => `${index + 1}:${name}`),
    );
    expect(fieldsOf(SubscriptionSchema)).toEqual(
      ['subscriber_id', 'still_held', 'line_type', 'msisdn_ciphertext', 'msisdn_masked'].map(
        (name, index) => `${index + 1}:${name}`,
      ),
    );
  });
});
