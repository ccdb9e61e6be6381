// Test and benchmark data: PersonExposed, EnrollmentCreated, ActivationChallengeIssued, CareCodeIssued and
// IncidentControl events as the exposure service, fraud-guard, care-api and the incident console would publish
// them, contact points sealed with the fixed test keys. Never use these keys anywhere else.
import { randomUUID } from 'node:crypto';
import { toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import {
  ActivationChallengeIssuedSchema,
  CareCodeIssuedSchema,
  RegulatorReportFiledSchema,
  ReportKind,
  AttackVector,
  Channel,
  ControlAction,
  EnrollmentCreatedSchema,
  ExposureChange,
  IncidentControlSchema,
  LineType,
  PersonExposedSchema,
  PiiCategory,
  ProtectiveAction,
  RiskTier,
} from '@bnp/contracts';
import { FieldCipher, maskEmail, maskMsisdn, parseKeyRing } from '@bnp/pii';
import { TEST_PII_KEYS } from '@bnp/testing';

export const testCipher = new FieldCipher(
  parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID),
);

export interface TestNumber {
  msisdn: string;
  stillHeld?: boolean;
  subscriberId?: string;
  lineType?: LineType;
}

export interface ExposureInit {
  incidentId: string;
  personId?: string;
  revision?: number;
  tier: RiskTier;
  language?: 'ur' | 'en';
  categories: PiiCategory[];
  newCategories?: PiiCategory[];
  numbers: TestNumber[];
  email?: string;
  channels?: Channel[];
  actions?: ProtectiveAction[];
  dryRun?: boolean;
  change?: ExposureChange;
  noticeAlreadySent?: boolean;
}

export interface ExposureEvent {
  key: string;
  value: Buffer;
  idempotencyKey: string;
  personId: string;
}

/** Channels and actions as the default risk policy gives them per tier. */
export function policyFor(tier: RiskTier): { channels: Channel[]; actions: ProtectiveAction[] } {
  switch (tier) {
    case RiskTier.CRITICAL:
    case RiskTier.HIGH:
      return {
        channels: [Channel.SMS, Channel.EMAIL],
        actions: [ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.PORT_OUT_LOCK, ProtectiveAction.FRAUD_MONITORING],
      };
    case RiskTier.MEDIUM:
      return { channels: [Channel.SMS, Channel.EMAIL], actions: [] };
    case RiskTier.LOW:
    case RiskTier.UNSPECIFIED:
      return { channels: [Channel.SMS], actions: [] };
  }
}

export function personExposed(init: ExposureInit): ExposureEvent {
  const personId = init.personId ?? `P-${randomUUID()}`;
  const revision = init.revision ?? 1;
  const idempotencyKey = `${init.incidentId}:${personId}:${revision}`;
  const policy = policyFor(init.tier);
  const event = create(PersonExposedSchema, {
    exposureId: `X-${init.incidentId}-${personId}`,
    incidentId: init.incidentId,
    revision,
    personId,
    change: init.change ?? ExposureChange.NEW,
    categories: init.categories,
    newCategories: init.newCategories ?? init.categories,
    tier: init.tier,
    policyVersion: '2026-11-25.1',
    policyRule: 'test-rule',
    channels: init.channels ?? policy.channels,
    actions: init.actions ?? policy.actions,
    subscriptions: init.numbers.map((number, index) => {
      const held = number.stillHeld ?? true;
      return {
        subscriberId: number.subscriberId ?? `${personId}-S${index + 1}`,
        stillHeld: held,
        lineType: number.lineType ?? LineType.CONSUMER,
        // The directory's envelopes travel through exposure.v1 unchanged and carry no aad.
        msisdnCiphertext: held ? testCipher.encrypt(number.msisdn) : new Uint8Array(),
        msisdnMasked: maskMsisdn(number.msisdn),
      };
    }),
    emailCiphertext: init.email ? testCipher.encrypt(init.email) : new Uint8Array(),
    emailMasked: init.email ? maskEmail(init.email) : '',
    language: init.language ?? 'ur',
    dryRun: init.dryRun ?? false,
    noticeAlreadySent: init.noticeAlreadySent ?? false,
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
    occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
    jurisdiction: 'PK',
    idempotencyKey,
    attackVectors: [AttackVector.PHISHING, AttackVector.DDOS],
  });
  return { key: personId, value: Buffer.from(toBinary(PersonExposedSchema, event)), idempotencyKey, personId };
}

export function enrollmentCreated(init: {
  incidentId: string;
  personId: string;
  idempotencyKey: string;
  code: string;
  enrollmentId?: string;
}) {
  const enrollmentId = init.enrollmentId ?? `E-${randomUUID()}`;
  const event = create(EnrollmentCreatedSchema, {
    enrollmentId,
    incidentId: init.incidentId,
    personId: init.personId,
    exposureIdempotencyKey: init.idempotencyKey,
    activationCodeCiphertext: testCipher.encrypt(init.code, `enrollment:${enrollmentId}/activation-code`),
    enrollBy: timestampFromDate(new Date('2026-04-30T00:00:00Z')),
    monitoringMonths: 24,
    actions: [ProtectiveAction.FRAUD_MONITORING],
    protectedSubscriptions: 1,
  });
  return { key: init.personId, value: Buffer.from(toBinary(EnrollmentCreatedSchema, event)) };
}

export interface ChallengeInit {
  incidentId: string;
  personId: string;
  msisdn: string;
  otp: string;
  challengeId?: string;
  enrollmentId?: string;
  language?: string;
  expiresAt?: Date;
  /** Overrides what is sealed as the number or the code (for malformed events). */
  sealedMsisdn?: Uint8Array;
  sealedOtp?: Uint8Array;
}

/** An ActivationChallengeIssued as fraud-guard writes it: number and code sealed, bound to the challenge. */
export function activationChallengeIssued(init: ChallengeInit) {
  const challengeId = init.challengeId ?? randomUUID();
  const event = create(ActivationChallengeIssuedSchema, {
    challengeId,
    enrollmentId: init.enrollmentId ?? randomUUID(),
    incidentId: init.incidentId,
    personId: init.personId,
    msisdnCiphertext: init.sealedMsisdn ?? testCipher.encrypt(init.msisdn, `challenge:${challengeId}/msisdn`),
    msisdnMasked: maskMsisdn(init.msisdn),
    otpCiphertext: init.sealedOtp ?? testCipher.encrypt(init.otp, `challenge:${challengeId}/otp`),
    language: init.language ?? 'ur',
    expiresAt: timestampFromDate(init.expiresAt ?? new Date(Date.now() + 10 * 60_000)),
    revision: 1,
  });
  return { key: init.personId, value: Buffer.from(toBinary(ActivationChallengeIssuedSchema, event)), challengeId };
}

export interface CareCodeInit {
  incidentId: string;
  personId: string;
  msisdn: string;
  code: string;
  verificationId?: string;
  revision?: number;
  language?: string;
  /** Null leaves it out (for malformed events). */
  expiresAt?: Date | null;
  /** Overrides what is sealed as the number or the code (for malformed events). */
  sealedMsisdn?: Uint8Array;
  sealedCode?: Uint8Array;
}

/** A CareCodeIssued as care-api writes it: number and code sealed, bound to the caller verification. */
export function careCodeIssued(init: CareCodeInit) {
  const verificationId = init.verificationId ?? randomUUID();
  const event = create(CareCodeIssuedSchema, {
    verificationId,
    personId: init.personId,
    incidentId: init.incidentId,
    revision: init.revision ?? 1,
    msisdnCiphertext:
      init.sealedMsisdn ?? testCipher.encrypt(init.msisdn, `care-verification:${verificationId}/msisdn`),
    msisdnMasked: maskMsisdn(init.msisdn),
    codeCiphertext: init.sealedCode ?? testCipher.encrypt(init.code, `care-verification:${verificationId}/code`),
    language: init.language ?? 'ur',
    expiresAt:
      init.expiresAt === null ? undefined : timestampFromDate(init.expiresAt ?? new Date(Date.now() + 10 * 60_000)),
  });
  return { key: init.personId, value: Buffer.from(toBinary(CareCodeIssuedSchema, event)), verificationId };
}

export function incidentControl(incidentId: string, action: ControlAction, decidedAt = new Date()) {
  const event = create(IncidentControlSchema, {
    controlId: randomUUID(),
    incidentId,
    revision: 0,
    action,
    actors: ['ops-1', 'ops-2'],
    reason: 'test',
    decidedAt: timestampFromDate(decidedAt),
  });
  return { key: incidentId, value: Buffer.from(toBinary(IncidentControlSchema, event)) };
}

/** A Pakistani mobile number unique enough per test run: +92 3xx followed by 7 digits. */
export function testMsisdn(seed: number): string {
  return `+923${String(100_000_000 + (seed % 900_000_000)).slice(0, 9)}`;
}

/** A regulator portal's receipt, as regulator-api announces it on regulator.reports.v1 (key = incident id). */
export function regulatorReportFiled(init: { incidentId: string; regulatorId: string; filedAt: Date; key?: string }) {
  const event = create(RegulatorReportFiledSchema, {
    reportId: `${init.incidentId}/1/initial/${init.regulatorId}`,
    incidentId: init.incidentId,
    revision: 1,
    jurisdiction: 'PK',
    regulatorId: init.regulatorId,
    obligationId: 'pk-pdpb.regulator',
    kind: ReportKind.INITIAL,
    filedAt: timestampFromDate(init.filedAt),
    receiptId: `RCPT-${init.incidentId}`,
  });
  return { key: init.key ?? init.incidentId, value: Buffer.from(toBinary(RegulatorReportFiledSchema, event)) };
}
