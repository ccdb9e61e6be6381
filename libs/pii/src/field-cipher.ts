import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { envelopeHeader, IV_BYTES, parseEnvelope, TAG_BYTES } from './envelope';
import { PiiCryptoError, PiiErrorCode } from './errors';
import { assertValidKeyRing, KEY_ID_PATTERN, KeyRing } from './key-ring';

const ALGORITHM = 'aes-256-gcm';

/**
 * AES-256-GCM field encryption with key rotation: encrypts with the active key and decrypts with whichever key id
 * the envelope names, so rows written before a rotation stay readable. `aad` binds a ciphertext to its context
 * (e.g. subscriber id + column) so it cannot be copied onto another row; decrypt must pass the same aad.
 * Random 96-bit IVs: rotate the active key well before 2^32 encryptions under one key.
 */
export class FieldCipher {
  readonly activeKeyId: string;
  // KeyObjects rather than Buffers, so logging or inspecting the cipher cannot print key bytes.
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly #activeHeader: Buffer;

  constructor(ring: KeyRing) {
    assertValidKeyRing(ring);
    this.activeKeyId = ring.activeKeyId;
    this.#keys = new Map(Object.entries(ring.keys).map(([id, key]) => [id, createSecretKey(key)]));
    this.#activeHeader = envelopeHeader(ring.activeKeyId);
  }

  encrypt(plaintext: string, aad?: string): Buffer {
    if (typeof plaintext !== 'string') throw new TypeError('plaintext must be a string');
    return this.encryptBytes(Buffer.from(plaintext, 'utf8'), aad);
  }

  /** The same envelope around bytes that need not be text (a protobuf value parked on a dead-letter topic). */
  encryptBytes(plaintext: Uint8Array, aad?: string): Buffer {
    if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be bytes');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key(this.activeKeyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(this.#activeHeader, aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([this.#activeHeader, iv, ciphertext, cipher.getAuthTag()]);
  }

  /** @throws PiiCryptoError: MALFORMED_ENVELOPE, UNKNOWN_KEY_ID, or DECRYPT_FAILED (tampered, wrong key or aad) */
  decrypt(envelope: Buffer, aad?: string): string {
    return this.decryptBytes(envelope, aad).toString('utf8');
  }

  /** @throws PiiCryptoError as decrypt */
  decryptBytes(envelope: Buffer, aad?: string): Buffer {
    const { header, keyId, iv, ciphertext, tag } = parseEnvelope(envelope);
    const decipher = createDecipheriv(ALGORITHM, this.#key(keyId), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(header, aad));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PiiCryptoError(
        PiiErrorCode.DecryptFailed,
        `cannot decrypt envelope under key "${keyId}": data was tampered with or the aad differs`,
      );
    }
  }

  /** True when the envelope was written under a key other than the active one (after a rotation). */
  needsReencryption(envelope: Buffer): boolean {
    return parseEnvelope(envelope).keyId !== this.activeKeyId;
  }

  /** Re-encrypts under the active key; returns the same envelope when it already uses it. */
  reencrypt(envelope: Buffer, aad?: string): Buffer {
    return this.needsReencryption(envelope) ? this.encrypt(this.decrypt(envelope, aad), aad) : envelope;
  }

  #key(keyId: string): KeyObject {
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      const shown = KEY_ID_PATTERN.test(keyId) ? `"${keyId}"` : '(unprintable)';
      throw new PiiCryptoError(PiiErrorCode.UnknownKeyId, `envelope key id ${shown} is not in the key ring`);
    }
    return key;
  }
}

function additionalData(header: Buffer, aad: string | undefined): Buffer {
  if (aad !== undefined && typeof aad !== 'string') throw new TypeError('aad must be a string');
  return aad ? Buffer.concat([header, Buffer.from(aad, 'utf8')]) : header;
}
