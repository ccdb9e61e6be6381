/** Why care-api refused a message or a request; the filters map each code to a disposition or an HTTP status. */
export enum CareErrorCode {
  MalformedPayload = 'MALFORMED_PAYLOAD',
  MissingField = 'MISSING_FIELD',
  KeyMismatch = 'KEY_MISMATCH',
  /** An envelope that does not open under our keys: waiting will not fix it; re-drive after fixing the keys. */
  UnreadableContact = 'UNREADABLE_CONTACT',
  InvalidQuery = 'INVALID_QUERY',
  PersonNotFound = 'PERSON_NOT_FOUND',
  NothingToReveal = 'NOTHING_TO_REVEAL',
  /** Caller verification: not a number the person still holds; the code was wrong, expired or used up. */
  NumberNotHeld = 'NUMBER_NOT_HELD',
  VerificationNotFound = 'VERIFICATION_NOT_FOUND',
  CodeIncorrect = 'CODE_INCORRECT',
  CodeExpired = 'CODE_EXPIRED',
  /** Too many wrong readings of one code, or too many codes for one person this hour (Retry-After). */
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
  /** An action cited no successful verification of this caller during this call. */
  CallerNotVerified = 'CALLER_NOT_VERIFIED',
  EnrollmentNotFound = 'ENROLLMENT_NOT_FOUND',
  /** The owning service (exposure, notifier) did not answer: an outage, never the caller's fault. */
  UpstreamUnavailable = 'UPSTREAM_UNAVAILABLE',
}

export class CareException extends Error {
  constructor(
    readonly code: CareErrorCode,
    message: string,
    /** For TooManyAttempts: when to ask again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'CareException';
  }
}
