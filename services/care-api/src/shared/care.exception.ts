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
  /** The owning service (exposure, notifier) did not answer: an outage, never the caller's fault. */
  UpstreamUnavailable = 'UPSTREAM_UNAVAILABLE',
}

export class CareException extends Error {
  constructor(
    readonly code: CareErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CareException';
  }
}
