import { PiiCryptoError, PiiErrorCode } from './errors';

/** Keys by id; `activeKeyId` encrypts, every key decrypts. Keep retired keys until nothing references them. */
export interface KeyRing {
  activeKeyId: string;
  keys: Record<string, Buffer>;
}

export const FIELD_KEY_BYTES = 32; // AES-256
/**
 * Ids travel inside every envelope and in env strings, so they stay short and free of ':' and ','.
 * At most 32 characters also means a base64 or hex AES-256 key can never pass for an id and be echoed in an error.
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
const KEY_ID_RULE = 'ids are 1-32 letters, digits, ".", "_" or "-"';
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/; // standard or URL-safe alphabet, as Buffer.from accepts both

/**
 * Parses `FIELD_KEYS=k2:<base64 32 bytes>,k1:<base64 32 bytes>`. Errors name the entry and key id, never the key.
 * Generate a key with `openssl rand -base64 32`.
 * @throws PiiCryptoError (INVALID_KEY_RING)
 */
export function parseKeyRing(spec: string, activeKeyId: string): KeyRing {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw invalidKeyRing('key ring is empty; expected "id:base64key[,id:base64key...]"');
  }
  const keys: Record<string, Buffer> = {};
  spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '') // tolerate a trailing comma
    .forEach((entry, index) => {
      const position = `key ring entry #${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon <= 0) throw invalidKeyRing(`${position} has no key id; expected "id:base64key"`);
      const id = entry.slice(0, colon).trim();
      // An invalid id is not echoed: it may be key material pasted in the wrong place.
      if (!KEY_ID_PATTERN.test(id)) throw invalidKeyRing(`${position} has an invalid key id; ${KEY_ID_RULE}`);
      if (Object.hasOwn(keys, id)) throw invalidKeyRing(`${position} repeats key id "${id}"`);
      const material = entry.slice(colon + 1).trim();
      if (!BASE64.test(material)) throw invalidKeyRing(`key "${id}" is not base64`);
      keys[id] = Buffer.from(material, 'base64');
    });
  const ring = { activeKeyId, keys };
  assertValidKeyRing(ring);
  return ring;
}

/** @throws PiiCryptoError (INVALID_KEY_RING) naming the offending key id, never key bytes. */
export function assertValidKeyRing(ring: KeyRing): void {
  if (typeof ring !== 'object' || ring === null || typeof ring.keys !== 'object' || ring.keys === null) {
    throw invalidKeyRing('key ring must be { activeKeyId, keys }');
  }
  const ids = Object.keys(ring.keys);
  if (ids.length === 0) throw invalidKeyRing('key ring has no keys');
  for (const id of ids) {
    if (!KEY_ID_PATTERN.test(id)) throw invalidKeyRing(`key ring has an invalid key id; ${KEY_ID_RULE}`);
    const key = ring.keys[id];
    if (!Buffer.isBuffer(key)) throw invalidKeyRing(`key "${id}" must be a Buffer`);
    if (key.length !== FIELD_KEY_BYTES) {
      throw invalidKeyRing(`key "${id}" is ${key.length} bytes; AES-256 needs exactly ${FIELD_KEY_BYTES}`);
    }
  }
  if (typeof ring.activeKeyId !== 'string' || !Object.hasOwn(ring.keys, ring.activeKeyId)) {
    // Only echoed when it looks like an id, in case a key was passed where the id belongs.
    const active = KEY_ID_PATTERN.test(String(ring.activeKeyId)) ? `"${ring.activeKeyId}"` : '(invalid)';
    throw invalidKeyRing(`active key id ${active} is not in the key ring (ids: ${ids.join(', ')})`);
  }
}

function invalidKeyRing(message: string): PiiCryptoError {
  return new PiiCryptoError(PiiErrorCode.InvalidKeyRing, message);
}
