import { Channel, RiskTier } from '@bnp/contracts';
import type { ContactSealer } from '../shared/contact-sealer';
import type { NoticeEntity } from './notice.entity';
import type { ReceivedExposure, ReceivedNumber } from './notice-events.decoder';

/** Test data for the notice rules: a first, HIGH-tier exposure with one valid number and an email. */
export function anExposure(overrides: Partial<ReceivedExposure> = {}): ReceivedExposure {
  return {
    idempotencyKey: 'INC-1:P-1:r1',
    exposureId: 'EXP-1',
    incidentId: 'INC-1',
    revision: 1,
    personId: 'P-1',
    change: 'new',
    tier: RiskTier.HIGH,
    requestedLanguage: 'ur',
    language: 'ur',
    categories: [1],
    newCategories: [1],
    actions: [],
    channels: [Channel.SMS, Channel.EMAIL],
    attackVectors: [],
    policyVersion: 'pk-2026.1',
    policyRule: 'R1',
    dryRun: false,
    noticeAlreadySent: false,
    detectedAt: new Date('2026-12-01T08:00:00Z'),
    occurredTo: null,
    jurisdiction: 'PK',
    numbers: [aNumber()],
    email: { address: 'ayesha@example.pk', masked: 'a***@example.pk' },
    needsEnrollment: false,
    ...overrides,
  };
}

export function aNumber(overrides: Partial<ReceivedNumber> = {}): ReceivedNumber {
  return { subscriberId: 'S-1', e164: '+923001234567', raw: '03001234567', masked: '+92300****567', ...overrides };
}

/** Seals in the clear, so a spec can read what was sealed and under which aad. */
export const clearSealer: Pick<ContactSealer, 'seal' | 'open'> = {
  seal: (plain, aad) => Buffer.from(`${aad}|${plain}`),
  open: (ciphertext, aad) => {
    const text = ciphertext.toString();
    if (!text.startsWith(`${aad}|`)) throw new Error(`sealed under another aad than ${aad}`);
    return text.slice(aad.length + 1);
  },
};

export const kit = {
  logHmacKey: Buffer.alloc(32, 7),
  sealer: clearSealer,
  logTopic: 'notification.log.v1',
  enrollmentMaxWaitMs: 60_000,
  now: new Date('2026-12-07T10:00:00Z'),
};

export function aNotice(overrides: Partial<NoticeEntity> = {}): NoticeEntity {
  return {
    noticeId: '00000000-0000-5000-8000-000000000001',
    kind: 'notice',
    idempotencyKey: 'INC-1:P-1:r1',
    exposureId: 'EXP-1',
    incidentId: 'INC-1',
    personId: 'P-1',
    revision: 1,
    change: 'new',
    tier: RiskTier.CRITICAL,
    language: 'ur',
    categories: [1],
    newCategories: [1],
    actions: [1],
    channels: [Channel.SMS],
    attackVectors: [],
    msisdnsMasked: ['+92300****567'],
    emailCiphertext: null,
    emailMasked: null,
    detectedAt: null,
    occurredTo: null,
    jurisdiction: 'PK',
    policyVersion: 'pk-2026.1',
    policyRule: 'R1',
    dryRun: false,
    noticeAlreadySent: false,
    referenceCode: 'ABCDE-FGHJK',
    state: 'ready',
    outcome: 'reached',
    needsEnrollment: true,
    enrollmentDeadline: null,
    enrollmentId: null,
    enrollmentTimedOut: true,
    receivedAt: new Date('2026-12-06T10:00:00Z'),
    releasedAt: new Date('2026-12-06T10:00:00Z'),
    settledAt: new Date('2026-12-06T10:05:00Z'),
    sourcePartition: 0,
    sourceOffset: '42',
    ...overrides,
  };
}
