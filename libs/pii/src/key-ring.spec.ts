import { randomBytes } from 'node:crypto';
import { PiiCryptoError, PiiErrorCode } from './errors';
import { assertValidKeyRing, parseKeyRing } from './key-ring';

describe(parseKeyRing.name, () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const b64 = (key: Buffer): string => key.toString('base64');

  it('parses "id:base64" entries and keeps the chosen active id', () => {
    const ring = parseKeyRing(`k2:${b64(k2)},k1:${b64(k1)}`, 'k2');

    expect(ring.activeKeyId).toBe('k2');
    expect(ring.keys).toEqual({ k1, k2 });
  });

  it('tolerates whitespace, newlines and a trailing comma', () => {
    expect(Object.keys(parseKeyRing(` k2 : ${b64(k2)} ,\n k1:${b64(k1)},`, 'k1').keys)).toEqual(['k2', 'k1']);
  });

  it('accepts URL-safe base64', () => {
    expect(parseKeyRing(`k1:${k1.toString('base64url')}`, 'k1').keys.k1).toEqual(k1);
  });

  const errorFor = (spec: string, active = 'k1'): PiiCryptoError => {
    try {
      parseKeyRing(spec, active);
    } catch (error) {
      return error as PiiCryptoError;
    }
    throw new Error('expected a rejection');
  };

  it.each([
    ['empty', '', /key ring is empty/],
    ['entry without id', b64(k1), /entry #1 has no key id/],
    ['invalid id', `bad id!:${b64(k1)}`, /entry #1 has an invalid key id/],
    ['duplicate id', `k1:${b64(k1)},k1:${b64(k2)}`, /entry #2 repeats key id "k1"/],
    ['not base64', `k1:${b64(k1).slice(0, 20)}$$`, /key "k1" is not base64/],
    ['16-byte key', `k1:${randomBytes(16).toString('base64')}`, /key "k1" is 16 bytes; AES-256 needs exactly 32/],
    ['unknown active id', `k1:${b64(k1)}`, /active key id "k9" is not in the key ring \(ids: k1\)/, 'k9'],
  ])('explains what is wrong with an %s', (_label, spec, message, active = 'k1') => {
    const error = errorFor(spec, active);

    expect(error).toBeInstanceOf(PiiCryptoError);
    expect(error.code).toBe(PiiErrorCode.InvalidKeyRing);
    expect(error.message).toMatch(message);
  });

  it('never prints key material, even when a key is pasted without an id or as the active id', () => {
    const messages = [
      errorFor(b64(k1)),
      errorFor(`${b64(k1)}:${b64(k2)}`),
      errorFor(`k1:${b64(k1)}`, b64(k2)),
      errorFor(`k1:${b64(k1)}`, k2.toString('base64url')),
      errorFor(`k1:${b64(k1)}`, k2.toString('hex')),
      errorFor(`k1:${b64(k1).slice(0, 30)}`),
    ].map((error) => error.message);

    for (const message of messages) {
      expect(message).not.toContain(b64(k1).slice(0, 12));
      expect(message).not.toContain(b64(k2).slice(0, 12));
      expect(message).not.toContain(k2.toString('base64url').slice(0, 12));
      expect(message).not.toContain(k2.toString('hex').slice(0, 12));
    }
  });
});

describe(assertValidKeyRing.name, () => {
  it('accepts a ring whose active key is present and every key is 32 bytes', () => {
    expect(() => assertValidKeyRing({ activeKeyId: 'a', keys: { a: randomBytes(32) } })).not.toThrow();
  });

  it.each([
    ['no keys', { activeKeyId: 'a', keys: {} }, /no keys/],
    ['a short key', { activeKeyId: 'a', keys: { a: randomBytes(32), b: randomBytes(31) } }, /key "b" is 31 bytes/],
    ['a string key', { activeKeyId: 'a', keys: { a: 'x'.repeat(32) } }, /key "a" must be a Buffer/],
    ['an id that cannot be stored', { activeKeyId: 'a', keys: { 'a:b': randomBytes(32) } }, /invalid key id/],
    ['a missing active key', { activeKeyId: 'z', keys: { a: randomBytes(32) } }, /active key id "z"/],
  ])('rejects %s', (_label, ring, message) => {
    expect(() => assertValidKeyRing(ring as never)).toThrow(message);
  });
});
