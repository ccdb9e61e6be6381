import { DomainException } from '@bnp/errors';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import {
  AccountStatus as ProtoAccountStatus,
  ClosureReason,
  InventoryChangedSchema,
  LineType,
  PiiCategory,
  Region,
  decodeBinary,
  type InventoryChanged,
} from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { redactPiiInText } from '@bnp/pii';
import {
  ASSET_COLUMNS,
  FieldProblem,
  HOLDING_COLUMNS,
  SUBSCRIBER_COLUMNS,
  parseId,
  positionalHeader,
  validateAssetRow,
  validateHoldingRow,
  validateSubscriberRow,
  type RowProblem,
  type RowResult,
} from '../import/row-validation';
import type { ChangeVersion, InventoryChange } from './inventory-change';
import { InventoryErrorCode, inventoryCodeOf } from './inventory.exception';

/** How far ahead of our clock occurred_at may be. A change from the far future would freeze what it names. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const EVENT_ID = /^[\x21-\x7e]{1,200}$/;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

const SUBSCRIBER_HEADER = positionalHeader(SUBSCRIBER_COLUMNS);
const HOLDING_HEADER = positionalHeader(HOLDING_COLUMNS);
const ASSET_HEADER = positionalHeader(ASSET_COLUMNS);

/**
 * Turns a message from `inventory.changes.v1` into an InventoryChange, or says why it cannot. Subscriber, holding and
 * asset values go through the CSV import's own row validators (fed in column order, enums by name), so a change and
 * a CSV row are normalised and refused alike. Messages name fields and mask values; they never carry personal data.
 */
export class InventoryChangeDecoder {
  constructor(private readonly now: () => number = Date.now) {}

  decode(message: InboundMessage): InventoryChange {
    if (!message.value || message.value.length === 0) {
      throw new DomainException(InventoryErrorCode.MalformedChange, 'empty message value');
    }
    let event: InventoryChanged;
    try {
      event = decodeBinary(InventoryChangedSchema, message.value);
    } catch (error) {
      throw new DomainException(InventoryErrorCode.MalformedChange, redactPiiInText((error as Error).message));
    }
    const version = this.version(event);
    // Free text from the producer, logged with the change: masked like any text that may hold identifiers.
    const source = redactPiiInText(event.source.replace(/\p{Cc}/gu, ' ').slice(0, 200));
    const change = event.change;
    switch (change.case) {
      case undefined:
        throw new DomainException(InventoryErrorCode.MalformedChange, 'the event carries no change');
      case 'subscriberUpserted': {
        const value = change.value;
        const subscriber = accepted(
          'subscriber_upserted',
          validateSubscriberRow(
            [
              value.subscriberId,
              value.cnic,
              value.name,
              value.msisdn,
              value.email ?? '',
              value.language,
              enumName(Region, value.region),
              enumName(LineType, value.lineType),
              enumName(ProtoAccountStatus, value.accountStatus),
            ],
            SUBSCRIBER_HEADER,
          ),
        );
        checkKey(message.key, subscriber.subscriberId, 'subscriber_id');
        return { ...version, source, kind: 'subscriber-upserted', subscriber };
      }
      case 'subscriberClosed': {
        const subscriberId = id('subscriber_closed.subscriber_id', change.value.subscriberId);
        const reason = change.value.reason;
        if (reason === ClosureReason.UNSPECIFIED) missing('subscriber_closed.reason');
        if (ClosureReason[reason] === undefined) invalid(`subscriber_closed.reason ${reason} is not a known reason`);
        checkKey(message.key, subscriberId, 'subscriber_id');
        return { ...version, source, kind: 'subscriber-closed', subscriberId, reason };
      }
      case 'holdingUpserted': {
        const value = change.value;
        const holding = accepted(
          'holding_upserted',
          validateHoldingRow(
            [
              value.assetId,
              value.subscriberId,
              enumName(Region, value.region),
              value.recordsFrom ? isoMicros(value.recordsFrom, 'holding_upserted.records_from') : '',
              value.recordsTo ? isoMicros(value.recordsTo, 'holding_upserted.records_to') : '',
            ],
            HOLDING_HEADER,
          ),
        );
        checkKey(message.key, holding.subscriberId, 'subscriber_id');
        return { ...version, source, kind: 'holding-upserted', holding };
      }
      case 'holdingRemoved': {
        const subscriberId = id('holding_removed.subscriber_id', change.value.subscriberId);
        const assetId = id('holding_removed.asset_id', change.value.assetId);
        checkKey(message.key, subscriberId, 'subscriber_id');
        return { ...version, source, kind: 'holding-removed', assetId, subscriberId };
      }
      case 'assetUpserted': {
        const value = change.value;
        const asset = accepted(
          'asset_upserted',
          validateAssetRow(
            [
              value.assetId,
              value.owningSystem,
              value.categories.map((category) => enumName(PiiCategory, category) || 'UNSPECIFIED').join('|'),
              value.description,
            ],
            ASSET_HEADER,
          ),
        );
        checkKey(message.key, asset.assetId, 'asset_id');
        return { ...version, source, kind: 'asset-upserted', asset };
      }
    }
  }

  private version(event: InventoryChanged): ChangeVersion {
    const eventId = event.eventId.trim();
    if (eventId === '') missing('event_id');
    if (!EVENT_ID.test(eventId)) invalid('event_id must be 1-200 printable ASCII characters without spaces');
    if (!event.occurredAt) return missing('occurred_at');
    const occurredAt = isoMicros(event.occurredAt, 'occurred_at');
    if (Date.parse(occurredAt) > this.now() + MAX_CLOCK_SKEW_MS) {
      invalid(`occurred_at ${occurredAt} is in the future`);
    }
    return { eventId, occurredAt };
  }
}

/** The enum value's name without its prefix (`PUNJAB`), as a CSV file spells it; empty for UNSPECIFIED (missing). */
function enumName(values: Record<number, string>, value: number): string {
  if (value === 0) return '';
  return values[value] ?? String(value);
}

/** The row, or every problem of it in one message; the first problem's code is the reason code. */
function accepted<T>(where: string, result: RowResult<T>): T {
  if (result.ok) return result.row;
  const [first] = result.problems;
  if (!first) throw new DomainException(InventoryErrorCode.MalformedChange, `${where} was refused`);
  throw new DomainException(
    inventoryCodeOf(first.code),
    result.problems.map((problem: RowProblem) => `${where}.${problem.field} ${problem.message}`).join('; '),
  );
}

function id(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') missing(field);
  try {
    return parseId(trimmed);
  } catch (error) {
    if (error instanceof FieldProblem)
      throw new DomainException(inventoryCodeOf(error.code), `${field} ${error.message}`);
    throw error;
  }
}

function checkKey(key: string | null, expected: string, field: string): void {
  if (key !== expected) {
    throw new DomainException(InventoryErrorCode.KeyMismatch, `the message key must be the change's ${field}`);
  }
}

/** A protobuf Timestamp as ISO-8601 UTC with microseconds, exact (a Date would drop them). */
function isoMicros(timestamp: Timestamp, field: string): string {
  const { seconds, nanos } = timestamp;
  if (seconds < 0n || seconds > MAX_TIMESTAMP_SECONDS || nanos < 0 || nanos > 999_999_999) {
    invalid(`${field} is out of range`);
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function missing(field: string): never {
  throw new DomainException(InventoryErrorCode.MissingField, `${field} is required`);
}

function invalid(reason: string): never {
  throw new DomainException(InventoryErrorCode.InvalidField, reason);
}
