import { PiiCryptoError, PiiErrorCode } from './errors';

/*
 * Envelope layout (all lengths in bytes). cipher-worker.js writes the same layout; field-cipher specs pin both.
 *   [0]          version = 1
 *   [1]          key id length n (1..255)
 *   [2, 2+n)     key id, UTF-8
 *   next 12      IV (random per encryption)
 *   ...          ciphertext (same length as the UTF-8 plaintext)
 *   last 16      GCM tag
 * The header (version, length, key id) is GCM additional data, followed by the caller's aad, so neither can be
 * swapped without failing authentication.
 */
export const ENVELOPE_VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface EnvelopeParts {
  header: Buffer;
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function envelopeHeader(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([Buffer.from([ENVELOPE_VERSION, id.length]), id]);
}

/** Splits an envelope without decrypting it. @throws PiiCryptoError (MALFORMED_ENVELOPE) */
export function parseEnvelope(envelope: Buffer): EnvelopeParts {
  if (!Buffer.isBuffer(envelope)) throw malformed('envelope must be a Buffer');
  if (envelope.length < 2) throw malformed('envelope is truncated');
  const version = envelope[0];
  if (version !== ENVELOPE_VERSION) throw malformed(`unsupported envelope version ${version}`);
  const idLength = envelope[1] ?? 0;
  const headerLength = 2 + idLength;
  if (idLength === 0 || envelope.length < headerLength + IV_BYTES + TAG_BYTES) throw malformed('envelope is truncated');
  return {
    header: envelope.subarray(0, headerLength),
    keyId: envelope.toString('utf8', 2, headerLength),
    iv: envelope.subarray(headerLength, headerLength + IV_BYTES),
    ciphertext: envelope.subarray(headerLength + IV_BYTES, envelope.length - TAG_BYTES),
    tag: envelope.subarray(envelope.length - TAG_BYTES),
  };
}

/** Which key encrypted this envelope; lets a rotation job find rows to re-encrypt without any key. */
export function envelopeKeyId(envelope: Buffer): string {
  return parseEnvelope(envelope).keyId;
}

function malformed(message: string): PiiCryptoError {
  return new PiiCryptoError(PiiErrorCode.MalformedEnvelope, message);
}
