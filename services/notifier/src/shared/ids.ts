import { createHash, createHmac } from 'node:crypto';

// Fixed namespace for the notifier's name-based UUIDs (RFC 4122 version 5).
const NAMESPACE = Buffer.from('5b0a6f2e9c1d4e7fa3b2c4d5e6f70819', 'hex');

/** A UUID (version 5) derived from `name`: the same input always gives the same id. */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function noticeIdOf(idempotencyKey: string): string {
  return nameBasedUuid(`notice:${idempotencyKey}`);
}

export function deliveryIdOf(noticeId: string, channel: string, recipientKey: string): string {
  return nameBasedUuid(`delivery:${noticeId}:${channel}:${recipientKey}`);
}

// Crockford base32 without I, L, O, U: easy to read out over the phone to care.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The reference code printed on a notice, which care can look up to verify the notice is genuine.
 * Keyed, so codes cannot be guessed from notice ids; 50 bits, shown as "XXXXX-XXXXX".
 */
export function referenceCodeOf(key: Buffer, noticeId: string): string {
  const digest = createHmac('sha256', key).update(`reference:${noticeId}`).digest();
  let value = digest.readBigUInt64BE(0) >> 14n; // top 50 bits
  let code = '';
  for (let i = 0; i < 10; i++) {
    code = ALPHABET[Number(value & 31n)] + code;
    value >>= 5n;
  }
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A keyed, stable key for one recipient (E.164 number or email): deduplicates without storing the address. */
export function recipientKeyOf(key: Buffer, kind: 'msisdn' | 'email', normalized: string): string {
  return createHmac('sha256', key).update(`recipient:${kind}:${normalized}`).digest('hex').slice(0, 32);
}

/** Hex HMAC-SHA256 of rendered content: proves what was sent without keeping it. */
export function contentHmacOf(key: Buffer, content: string): string {
  return createHmac('sha256', key).update(content, 'utf8').digest('hex');
}
