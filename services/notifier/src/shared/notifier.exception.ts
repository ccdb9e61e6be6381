import type { DomainException } from '@bnp/errors';
/** Why the notifier refused or could not yet handle a message. Each code decides retry or dead letter (see the filter). */
export enum NotifierErrorCode {
  MalformedPayload = 'MALFORMED_PAYLOAD',
  MissingField = 'MISSING_FIELD',
  InvalidField = 'INVALID_FIELD',
  KeyMismatch = 'KEY_MISMATCH',
  /** The same incident, person and revision came with another idempotency key. */
  RevisionConflict = 'REVISION_CONFLICT',
  /** An envelope that no key and no expected aad opens: tampered, or sealed for another purpose. */
  UnreadableEnvelope = 'UNREADABLE_ENVELOPE',
  /** An envelope under a key this instance does not have yet (a rotation deployed out of order). */
  UnknownKey = 'UNKNOWN_KEY',
}

/** The notifier context's domain exception: NotifierErrorCode decides what each transport does with it. */
export type NotifierException = DomainException<NotifierErrorCode>;
