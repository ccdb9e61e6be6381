import type { DomainException } from '@bnp/errors';
/** Why fraud-guard refused a message from Kafka. Each code decides what the consumer does (see the filter). */
export enum ProtectionErrorCode {
  MalformedPayload = 'MALFORMED_PAYLOAD',
  MissingField = 'MISSING_FIELD',
  InvalidField = 'INVALID_FIELD',
  KeyMismatch = 'KEY_MISMATCH',
  UnreadableMsisdn = 'UNREADABLE_MSISDN',
  UnknownCommand = 'UNKNOWN_COMMAND',
  CodeSpaceCollision = 'CODE_SPACE_COLLISION',
}

/** The protection context's domain exception: ProtectionErrorCode decides what each transport does with it. */
export type ProtectionException = DomainException<ProtectionErrorCode>;
