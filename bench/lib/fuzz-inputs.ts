// Seeded generators of bad inputs for `npm run fuzz`: the same seed gives the same inputs, so a failing run
// can be replayed. Pure: no I/O, no clock, no Math.random.
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BreachReportedSchema, InventoryChangedSchema, Region, Severity } from '@bnp/contracts';

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
export const intBelow = (random: Random, n: number): number => Math.floor(random() * n);

export function randomBytes(random: Random, maxLength: number): Buffer {
  const bytes = Buffer.alloc(1 + intBelow(random, maxLength));
  for (let i = 0; i < bytes.length; i++) bytes[i] = intBelow(random, 256);
  return bytes;
}

export interface KafkaInput {
  kind: string;
  key: string;
  value: Buffer;
}

const AT = new Date('2026-03-04T20:00:00Z');

function breach(incidentId: string, revision: number, overrides: Record<string, unknown> = {}) {
  return create(BreachReportedSchema, {
    eventId: `fuzz-${incidentId}-${revision}`,
    incidentId,
    revision,
    reportedAt: timestampFromDate(AT),
    detectedAt: timestampFromDate(AT),
    occurredTo: timestampFromDate(AT),
    severity: Severity.HIGH,
    summary: 'fuzz',
    compromisedAssets: [
      { assetId: 'crm.subscribers', scope: { kind: { case: 'regions', value: { regions: [Region.SINDH] } } } },
    ],
    ...overrides,
  });
}

export const BREACH_KINDS = ['random-bytes', 'truncated', 'invalid-enum', 'huge-repeated', 'wrong-key'] as const;

/**
 * One bad breach event. Truncation cuts inside the first field, so the value never decodes to a message
 * (a cut at a field boundary would be a valid, shorter message).
 */
export function badBreachEvent(random: Random, n: number): KafkaInput {
  const kind = BREACH_KINDS[n % BREACH_KINDS.length]!;
  const incidentId = `FUZZ-${n}`;
  switch (kind) {
    case 'random-bytes':
      return { kind, key: incidentId, value: randomBytes(random, 512) };
    case 'truncated': {
      const whole = Buffer.from(toBinary(BreachReportedSchema, breach(incidentId, 1)));
      return { kind, key: incidentId, value: whole.subarray(0, 2 + intBelow(random, 8)) };
    }
    case 'invalid-enum':
      return {
        kind,
        key: incidentId,
        value: Buffer.from(
          toBinary(BreachReportedSchema, breach(incidentId, 1, { severity: 50 + intBelow(random, 1000) })),
        ),
      };
    case 'huge-repeated': {
      const assets = Array.from({ length: 5000 + intBelow(random, 5000) }, (_, i) => ({
        assetId: `asset-${i}`,
        scope: { kind: { case: 'regions' as const, value: { regions: [Region.SINDH] } } },
      }));
      return {
        kind,
        key: incidentId,
        value: Buffer.from(toBinary(BreachReportedSchema, breach(incidentId, 1, { compromisedAssets: assets }))),
      };
    }
    case 'wrong-key':
      return {
        kind,
        key: `NOT-${incidentId}-${intBelow(random, 1e9)}`,
        value: Buffer.from(toBinary(BreachReportedSchema, breach(incidentId, 1))),
      };
  }
}

/** A valid revision 1 and, after it, a revision 1 with other content: the second conflicts. */
export function conflictingRevisions(n: number): { accepted: KafkaInput; conflicting: KafkaInput } {
  const incidentId = `FUZZ-CONFLICT-${n}`;
  return {
    accepted: {
      kind: 'first-revision',
      key: incidentId,
      value: Buffer.from(toBinary(BreachReportedSchema, breach(incidentId, 1))),
    },
    conflicting: {
      kind: 'conflicting-revision',
      key: incidentId,
      value: Buffer.from(
        toBinary(BreachReportedSchema, breach(incidentId, 1, { summary: 'different', severity: Severity.LOW })),
      ),
    },
  };
}

export const INVENTORY_KINDS = ['random-bytes', 'truncated', 'invalid-enum', 'no-change', 'wrong-key'] as const;

function subscriberChange(subscriberId: string, accountStatus: number) {
  return create(InventoryChangedSchema, {
    eventId: `fuzz-${subscriberId}`,
    occurredAt: timestampFromDate(AT),
    source: 'fuzz',
    change: {
      case: 'subscriberUpserted',
      value: {
        subscriberId,
        cnic: '3520212345671',
        name: 'Fuzz',
        msisdn: '+923001234567',
        language: 'en',
        region: Region.SINDH,
        accountStatus,
      },
    },
  });
}

export function badInventoryChange(random: Random, n: number): KafkaInput {
  const kind = INVENTORY_KINDS[n % INVENTORY_KINDS.length]!;
  const subscriberId = `FUZZ-SUB-${n}`;
  switch (kind) {
    case 'random-bytes':
      return { kind, key: subscriberId, value: randomBytes(random, 512) };
    case 'truncated': {
      const whole = Buffer.from(toBinary(InventoryChangedSchema, subscriberChange(subscriberId, 1)));
      return { kind, key: subscriberId, value: whole.subarray(0, 2 + intBelow(random, 8)) };
    }
    case 'invalid-enum':
      return {
        kind,
        key: subscriberId,
        value: Buffer.from(
          toBinary(InventoryChangedSchema, subscriberChange(subscriberId, 10 + intBelow(random, 1000))),
        ),
      };
    case 'no-change':
      return {
        kind,
        key: subscriberId,
        value: Buffer.from(
          toBinary(InventoryChangedSchema, create(InventoryChangedSchema, { eventId: `fuzz-${n}`, source: 'fuzz' })),
        ),
      };
    case 'wrong-key':
      return {
        kind,
        key: `NOT-${subscriberId}-${intBelow(random, 1e9)}`,
        value: Buffer.from(toBinary(InventoryChangedSchema, subscriberChange(subscriberId, 1))),
      };
  }
}

export const CALLBACK_KINDS = ['forged', 'unsigned', 'unknown-sid', 'replayed', 'wrong-account'] as const;

export interface CallbackInput {
  kind: (typeof CALLBACK_KINDS)[number];
  form: Record<string, string>;
  /** Sign with a wrong token (forged), no signature (unsigned), or the right one. */
  signature: 'wrong' | 'none' | 'right';
}

const hex = (random: Random, length: number) =>
  Array.from({ length }, () => '0123456789abcdef'[intBelow(random, 16)]).join('');

/** A bad status callback; `knownSid` is a message SID the notifier holds (replays reuse it). */
export function badCallback(random: Random, n: number, knownSid: string, accountSid: string): CallbackInput {
  const kind = CALLBACK_KINDS[n % CALLBACK_KINDS.length]!;
  const status = ['sent', 'delivered', 'failed', 'undelivered'][intBelow(random, 4)]!;
  const form = { MessageSid: knownSid, MessageStatus: status, SmsStatus: status, AccountSid: accountSid };
  switch (kind) {
    case 'forged':
      return { kind, form, signature: 'wrong' };
    case 'unsigned':
      return { kind, form, signature: 'none' };
    case 'unknown-sid':
      return { kind, form: { ...form, MessageSid: `SM${hex(random, 32)}` }, signature: 'right' };
    case 'replayed':
      return { kind, form: { ...form, MessageStatus: 'delivered', SmsStatus: 'delivered' }, signature: 'right' };
    case 'wrong-account':
      return { kind, form: { ...form, AccountSid: `AC${hex(random, 32)}` }, signature: 'right' };
  }
}
