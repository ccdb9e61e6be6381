export enum TlogErrorCode {
  MalformedPayload = 'MALFORMED_PAYLOAD',
  MissingField = 'MISSING_FIELD',
  InvalidField = 'INVALID_FIELD',
  KeyMismatch = 'KEY_MISMATCH',
  EntryTooLarge = 'ENTRY_TOO_LARGE',
}

/** A message the log cannot take as it is: dead-lettered with its code, never retried. */
export class TlogException extends Error {
  constructor(
    public readonly code: TlogErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TlogException';
  }
}
