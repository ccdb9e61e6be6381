import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ExposureChange,
  LogChannel,
  LogEntryKind,
  NotificationLogEntrySchema,
  PersonExposedSchema,
  PiiCategory,
  RiskTier,
  encodeMessage,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { hashLeaf } from '@bnp/tlog';
import { TlogErrorCode } from '../append/tlog.exception';
import { LeafDecoder } from './leaf-decoder';
import { Pseudonymizer } from './pseudonymizer';

const PERSON = 'person-3520112345671';
const ENTRY_ID = '0b9e7c1e-6f0a-4c53-9a51-3f1f1c0e2b11';

function inbound(topic: string, key: string, value: Buffer): InboundMessage {
  return { topic, partition: 0, offset: '1', key, value, headers: {}, timestamp: '0', attempt: 0 };
}

function notification(overrides: Record<string, unknown> = {}) {
  return encodeMessage(NotificationLogEntrySchema, {
    entryId: ENTRY_ID,
    occurredAt: timestampFromDate(new Date('2026-12-07T10:00:00.123Z')),
    source: 'notifier',
    incidentId: 'INC-7',
    revision: 2,
    personId: PERSON,
    subjectId: 'notice-INC-7-person-3520112345671-2',
    kind: LogEntryKind.STATUS_CHANGED,
    channel: LogChannel.SMS,
    status: 'delivered',
    templateId: 'breach-notice',
    templateVersion: '3',
    contentHmac: 'ab'.repeat(32),
    providerRef: `SM${'0'.repeat(32)}`,
    recipientMasked: '+92 3** *** **67',
    detail: 'customer ali.khan@example.pk said hello',
    ...overrides,
  });
}

describe(LeafDecoder.name, () => {
  const sut = new LeafDecoder(new Pseudonymizer(Buffer.alloc(32, 4)));

  it('makes a notification entry canonical JSON: sorted keys, no whitespace, empty fields left out', () => {
    const leaf = sut.notification(inbound('notification.log.v1', PERSON, notification({ errorCode: '' })));
    const text = leaf.data.toString('utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(text).toBe(JSON.stringify(parsed, Object.keys(parsed).sort()));
    expect(parsed).toMatchObject({
      v: 1,
      type: 'notification',
      entry_id: ENTRY_ID,
      occurred_at: '2026-12-07T10:00:00.123Z',
      incident: 'INC-7',
      revision: 2,
      event: 'status_changed',
      channel: 'sms',
      status: 'delivered',
      template_id: 'breach-notice',
      template_version: '3',
      recipient: '+92 3** *** **67',
    });
    expect(parsed).not.toHaveProperty('error_code');
    expect(leaf.leafHash).toEqual(hashLeaf(leaf.data));
  });

  it('carries no plain personal data: the person and subject only as keyed pseudonyms, no free text', () => {
    const text = sut.notification(inbound('notification.log.v1', PERSON, notification())).data.toString('utf8');
    expect(text).not.toContain('3520112345671');
    expect(text).not.toContain('ali.khan');
    const person = (JSON.parse(text) as { person: string }).person;
    expect(person).toMatch(/^[0-9a-f]{32}$/);
    // Stable per person under one key, different under another: a regulator can count people, not name them.
    const again = sut.notification(
      inbound('notification.log.v1', PERSON, notification({ entryId: ENTRY_ID.replace('0b', '1b') })),
    );
    expect((JSON.parse(again.data.toString('utf8')) as { person: string }).person).toBe(person);
    const otherKey = new LeafDecoder(new Pseudonymizer(Buffer.alloc(32, 5)));
    const elsewhere = otherKey.notification(inbound('notification.log.v1', PERSON, notification()));
    expect((JSON.parse(elsewhere.data.toString('utf8')) as { person: string }).person).not.toBe(person);
  });

  it('gives the same bytes for the same entry, whatever order the producer wrote its fields in', () => {
    const a = sut.notification(inbound('notification.log.v1', PERSON, notification()));
    const b = sut.notification(inbound('notification.log.v1', PERSON, notification()));
    expect(a.data.equals(b.data)).toBe(true);
  });

  it('logs an exposure decision with tier, categories and jurisdiction, under an id that hides the person', () => {
    const event = encodeMessage(PersonExposedSchema, {
      exposureId: 'exp-INC-7-person-3520112345671',
      incidentId: 'INC-7',
      revision: 3,
      personId: PERSON,
      change: ExposureChange.WIDENED,
      tier: RiskTier.HIGH,
      categories: [PiiCategory.MSISDN, PiiCategory.CNIC],
      policyVersion: '2026-11',
      policyRule: 'cnic+msisdn',
      jurisdiction: 'PK',
      emailMasked: 'a***@example.pk',
    });
    const leaf = sut.exposureDecision(inbound('exposure.v1', PERSON, event));
    const parsed = JSON.parse(leaf.data.toString('utf8')) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      type: 'exposure_decision',
      incident: 'INC-7',
      revision: 3,
      change: 'widened',
      tier: 'high',
      categories: ['cnic', 'msisdn'],
      jurisdiction: 'PK',
    });
    expect(leaf.entryId).toMatch(/^exposure:[0-9a-f]{32}$/);
    expect(leaf.data.toString('utf8')).not.toContain('3520112345671');
    expect(leaf.data.toString('utf8')).not.toContain('example.pk');
  });

  it.each([
    ['an entry filed under another person', 'P-2', notification(), TlogErrorCode.KeyMismatch],
    ['an entry id that is not a UUID', PERSON, notification({ entryId: 'x' }), TlogErrorCode.InvalidField],
    ['an entry without a status', PERSON, notification({ status: '' }), TlogErrorCode.MissingField],
    ['bytes that are not an entry', PERSON, Buffer.from([0xff, 0xff, 0xff]), TlogErrorCode.MalformedPayload],
  ])('refuses %s with a code the consumer dead-letters', (_, key, value, code) => {
    expect(() => sut.notification(inbound('notification.log.v1', key, value))).toThrow(
      expect.objectContaining({ code }),
    );
  });
});
