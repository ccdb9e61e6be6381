import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import { PiiCryptoError, PiiErrorCode, PiiValidationError } from './errors';

export const BLIND_INDEX_KINDS = ['msisdn', 'cnic', 'email', 'subscriber'] as const;
export type BlindIndexKind = (typeof BLIND_INDEX_KINDS)[number];

/** HMAC-SHA256 needs no more than its block size, but anything under 32 bytes weakens it below AES-256. */
export const MIN_BLIND_INDEX_KEY_BYTES = 32;

/**
 * Keyed, deterministic index of a normalized identifier, so equality lookups work on encrypted columns without an
 * attacker with the database alone being able to brute-force the (small) MSISDN/CNIC space.
 * The kind is part of the MAC input: the same digits as a CNIC and as an MSISDN give unrelated indexes.
 * Rotating this key means recomputing every stored index; it is not versioned like FieldCipher keys.
 */
export class BlindIndexer {
  // A KeyObject rather than the Buffer, so logging or inspecting the indexer cannot print the key.
  readonly #key: KeyObject;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key)) throw new PiiCryptoError(PiiErrorCode.InvalidKey, 'blind index key must be a Buffer');
    if (key.length < MIN_BLIND_INDEX_KEY_BYTES) {
      throw new PiiCryptoError(
        PiiErrorCode.InvalidKey,
        `blind index key is ${key.length} bytes; at least ${MIN_BLIND_INDEX_KEY_BYTES} are required`,
      );
    }
    this.#key = createSecretKey(key); // copies, so later changes to the caller's Buffer do not change indexes
  }

  /** `normalizedValue` must already be normalized (normalizeMsisdn etc.), or equal people get different indexes. */
  index(kind: BlindIndexKind, normalizedValue: string): Buffer {
    if (!(BLIND_INDEX_KINDS as readonly string[]).includes(kind)) {
      throw new PiiValidationError(PiiErrorCode.UnknownIndexKind, `unknown blind index kind "${String(kind)}"`);
    }
    if (typeof normalizedValue !== 'string' || normalizedValue === '') {
      // Every empty value would share one index and "match" each other.
      throw new PiiValidationError(PiiErrorCode.EmptyValue, `cannot blind-index an empty ${kind}`);
    }
    return createHmac('sha256', this.#key).update(`${kind}:${normalizedValue}`, 'utf8').digest();
  }

  indexHex(kind: BlindIndexKind, normalizedValue: string): string {
    return this.index(kind, normalizedValue).toString('hex');
  }
}
