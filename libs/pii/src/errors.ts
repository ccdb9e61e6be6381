/** Machine-readable reasons, so callers can branch (e.g. reject a CSV row) without parsing messages. */
export enum PiiErrorCode {
  InvalidMsisdn = 'INVALID_MSISDN',
  InvalidCnic = 'INVALID_CNIC',
  InvalidEmail = 'INVALID_EMAIL',
  EmptyValue = 'EMPTY_VALUE',
  UnknownIndexKind = 'UNKNOWN_INDEX_KIND',
  InvalidKey = 'INVALID_KEY',
  InvalidKeyRing = 'INVALID_KEY_RING',
  UnknownKeyId = 'UNKNOWN_KEY_ID',
  MalformedEnvelope = 'MALFORMED_ENVELOPE',
  DecryptFailed = 'DECRYPT_FAILED',
  WorkerFailed = 'WORKER_FAILED',
  PoolClosed = 'POOL_CLOSED',
}

/** Base class: `instanceof PiiError` catches everything this library throws on purpose. */
export class PiiError extends Error {
  constructor(
    readonly code: PiiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input is not a valid identifier. Messages never contain the full input, so they are safe to log. */
export class PiiValidationError extends PiiError {}

/** Key material, envelope or worker problem. Messages never contain keys or plaintext. */
export class PiiCryptoError extends PiiError {}

/**
 * Shows just enough of a rejected value to debug a bad row (first and last two characters, length kept)
 * without putting the identifier itself into an error message or log line.
 */
export function maskForError(value: string): string {
  const compact = value.replace(/\s+/g, '');
  const chars = Array.from(compact);
  if (chars.length < 8) return '***';
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join('');
}
