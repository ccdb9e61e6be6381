import type { DomainException } from '@bnp/errors';
import { RejectCode } from '../import/row-validation';

/** Why an inventory change was not applied. Each code decides what the consumer does (see the filter). */
export enum InventoryErrorCode {
  /** Empty, not an inventory.v1.InventoryChanged, or no change in it. */
  MalformedChange = 'MALFORMED_CHANGE',
  MissingField = 'MISSING_FIELD',
  InvalidField = 'INVALID_FIELD',
  InvalidMsisdn = 'INVALID_MSISDN',
  InvalidCnic = 'INVALID_CNIC',
  InvalidEmail = 'INVALID_EMAIL',
  /** The Kafka key is not the subscriber id (asset id for assets): the change could overtake or trail its siblings. */
  KeyMismatch = 'KEY_MISMATCH',
  /** A holding or closure names a subscriber the directory does not have (yet). */
  UnknownSubscriber = 'UNKNOWN_SUBSCRIBER',
  /** A holding names an asset the inventory does not have (yet): asset changes travel on other partitions. */
  UnknownAsset = 'UNKNOWN_ASSET',
  /** Another subscriber that is not FORMER holds the number: its closure may still be on its way. */
  NumberInUse = 'NUMBER_IN_USE',
  /** A bulk import holds the directory lock. */
  ImportRunning = 'IMPORT_RUNNING',
}

/** The inventory context's domain exception: InventoryErrorCode decides what each transport does with it. */
export type InventoryException = DomainException<InventoryErrorCode>;

/** The reason code of a change refused by the CSV import's validation or merge checks (the same rules). */
export function inventoryCodeOf(code: RejectCode): InventoryErrorCode {
  switch (code) {
    case RejectCode.MissingValue:
      return InventoryErrorCode.MissingField;
    case RejectCode.InvalidMsisdn:
      return InventoryErrorCode.InvalidMsisdn;
    case RejectCode.InvalidCnic:
      return InventoryErrorCode.InvalidCnic;
    case RejectCode.InvalidEmail:
      return InventoryErrorCode.InvalidEmail;
    case RejectCode.NumberInUse:
      return InventoryErrorCode.NumberInUse;
    case RejectCode.UnknownAsset:
      return InventoryErrorCode.UnknownAsset;
    case RejectCode.UnknownSubscriber:
      return InventoryErrorCode.UnknownSubscriber;
    case RejectCode.MalformedCsv:
    case RejectCode.FieldCount:
    case RejectCode.InvalidId:
    case RejectCode.InvalidText:
    case RejectCode.UnknownValue:
    case RejectCode.InvalidTimestamp:
    case RejectCode.InvalidRange:
    case RejectCode.DuplicateKey:
      return InventoryErrorCode.InvalidField;
  }
}
