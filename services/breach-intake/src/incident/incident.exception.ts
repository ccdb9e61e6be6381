import type { DomainException } from '@bnp/errors';
/** Why intake refused a breach event. Each code decides what the consumer does (see the filter). */
export enum IntakeErrorCode {
  MalformedPayload = 'MALFORMED_PAYLOAD',
  UnsupportedContentType = 'UNSUPPORTED_CONTENT_TYPE',
  MissingField = 'MISSING_FIELD',
  InvalidField = 'INVALID_FIELD',
  KeyMismatch = 'KEY_MISMATCH',
  RevisionConflict = 'REVISION_CONFLICT',
  EventIdReused = 'EVENT_ID_REUSED',
}

/** The intake context's domain exception: IntakeErrorCode decides what each transport does with it. */
export type IntakeException = DomainException<IntakeErrorCode>;
