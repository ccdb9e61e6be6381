import { createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { BlindIndexer, BlindIndexKind } from './blind-indexer';
import { PiiCryptoError, PiiErrorCode, PiiValidationError } from './errors';

describe(BlindIndexer.name, () => {
  const key = Buffer.alloc(32, 7);
  const indexer = new BlindIndexer(key);

  it('is HMAC-SHA256 over "kind:value", so other languages can compute the same index', () => {
    const expected = createHmac('sha256', key).update('msisdn:+923001234567').digest();

    expect(indexer.index('msisdn', '+923001234567')).toEqual(expected);
    expect(indexer.indexHex('msisdn', '+923001234567')).toBe(expected.toString('hex'));
  });

  it('is deterministic across instances with the same key', () => {
    expect(new BlindIndexer(Buffer.alloc(32, 7)).index('cnic', '3520212345671')).toEqual(
      indexer.index('cnic', '3520212345671'),
    );
  });

  it('separates kinds: the same digits as a CNIC and as a subscriber id do not match', () => {
    expect(indexer.index('cnic', '3520212345671')).not.toEqual(indexer.index('subscriber', '3520212345671'));
  });

  it('depends on the key', () => {
    expect(new BlindIndexer(randomBytes(32)).index('email', 'a@b.pk')).not.toEqual(indexer.index('email', 'a@b.pk'));
  });

  it('is not affected by later changes to the caller key buffer', () => {
    const mutable = Buffer.alloc(32, 1);
    const owned = new BlindIndexer(mutable);
    const before = owned.index('email', 'a@b.pk');
    mutable.fill(2);

    expect(owned.index('email', 'a@b.pk')).toEqual(before);
  });

  it('accepts keys longer than 32 bytes', () => {
    expect(new BlindIndexer(randomBytes(64)).index('email', 'a@b.pk')).toHaveLength(32);
  });

  it.each([
    ['short', Buffer.alloc(31)],
    ['string', 'k'.repeat(64) as unknown as Buffer],
  ])('refuses a %s key', (_label, badKey) => {
    expect(() => new BlindIndexer(badKey)).toThrow(PiiCryptoError);
    expect(() => new BlindIndexer(badKey)).toThrow(expect.objectContaining({ code: PiiErrorCode.InvalidKey }));
  });

  it('refuses empty values, which would all share one index', () => {
    expect(() => indexer.index('msisdn', '')).toThrow(expect.objectContaining({ code: PiiErrorCode.EmptyValue }));
  });

  it('refuses unknown kinds from untyped callers', () => {
    expect(() => indexer.index('phone' as BlindIndexKind, '+923001234567')).toThrow(PiiValidationError);
  });

  it('does not expose the key when inspected or serialized', () => {
    const keyHex = key.toString('hex');

    expect(JSON.stringify(indexer)).not.toContain(keyHex);
    expect(inspect(indexer, { depth: 5, showHidden: true })).not.toContain(keyHex);
  });
});
