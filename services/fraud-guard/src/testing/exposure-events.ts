// PersonExposed events as exposure publishes them, for fraud-guard's specs: fresh numbers, held and recycled
// subscriptions with their numbers sealed as exposure seals them.
import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ExposureChange,
  LineType,
  PersonExposedSchema,
  PiiCategory,
  ProtectiveAction,
  RiskTier,
  type PersonExposed,
} from '@bnp/contracts';
import { FieldCipher, maskMsisdn, parseKeyRing } from '@bnp/pii';
import { TEST_PII_KEYS } from '@bnp/testing';
import { aad } from '../pii-context';

const { SIM_SWAP_LOCK, PORT_OUT_LOCK, FRAUD_MONITORING } = ProtectiveAction;
export const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));

type ExposureInit = Omit<MessageInitShape<typeof PersonExposedSchema>, '$typeName'>;
type SubscriptionInit = NonNullable<ExposureInit['subscriptions']>[number];

let msisdnCounter = Math.floor(Math.random() * 9_000_000);
/** A fresh Pakistani mobile number per call, so runs never collide. */
export function newMsisdn(): string {
  msisdnCounter = (msisdnCounter + 7919) % 10_000_000;
  return `+92300${String(msisdnCounter).padStart(7, '0')}`;
}

export function held(msisdn = newMsisdn(), subscriberId = `SUB-${randomUUID().slice(0, 8)}`): SubscriptionInit {
  return {
    subscriberId,
    stillHeld: true,
    lineType: LineType.CONSUMER,
    msisdnCiphertext: cipher.encrypt(msisdn, aad.msisdn),
    msisdnMasked: maskMsisdn(msisdn),
  };
}

export function recycled(msisdn = newMsisdn()): SubscriptionInit {
  return {
    subscriberId: `SUB-${randomUUID().slice(0, 8)}`,
    stillHeld: false,
    lineType: LineType.CONSUMER,
    msisdnMasked: maskMsisdn(msisdn),
  };
}

export function exposure(overrides: ExposureInit = {}): PersonExposed {
  const incidentId = overrides.incidentId ?? `INC-${randomUUID().slice(0, 8)}`;
  const personId = overrides.personId ?? randomUUID();
  const revision = overrides.revision ?? 1;
  return create(PersonExposedSchema, {
    exposureId: `${incidentId}:${personId}`,
    incidentId,
    revision,
    personId,
    change: ExposureChange.NEW,
    categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
    newCategories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
    tier: RiskTier.HIGH,
    policyVersion: 'risk-policy.v1',
    policyRule: 'cnic',
    actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, FRAUD_MONITORING],
    subscriptions: [held()],
    language: 'ur',
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
    jurisdiction: 'PK',
    idempotencyKey: `${incidentId}:${personId}:${revision}`,
    ...overrides,
  });
}
