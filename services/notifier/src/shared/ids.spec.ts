import { contentHmacOf, deliveryIdOf, noticeIdOf, recipientKeyOf, referenceCodeOf } from './ids';

describe(noticeIdOf.name, () => {
  const key = Buffer.alloc(32, 3);

  it('derives the same notice and delivery ids from the same idempotency key, and different ones otherwise', () => {
    const id = noticeIdOf('INC-1:P-1:1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(noticeIdOf('INC-1:P-1:1')).toBe(id);
    expect(noticeIdOf('INC-1:P-1:2')).not.toBe(id);
    expect(deliveryIdOf(id, 'sms', 'k1')).not.toBe(deliveryIdOf(id, 'sms', 'k2'));
  });

  it('gives a reference code care can read out: ten Crockford characters, keyed', () => {
    const code = referenceCodeOf(key, noticeIdOf('INC-1:P-1:1'));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(referenceCodeOf(Buffer.alloc(32, 4), noticeIdOf('INC-1:P-1:1'))).not.toBe(code);
    const codes = new Set(
      Array.from({ length: 5000 }, (_, index) => referenceCodeOf(key, noticeIdOf(`INC-1:P-${index}:1`))),
    );
    expect(codes.size).toBe(5000);
  });

  it('keys recipients and content without revealing them', () => {
    const recipient = recipientKeyOf(key, 'msisdn', '+923001234567');
    expect(recipient).toMatch(/^[0-9a-f]{32}$/);
    expect(recipient).not.toContain('3001234567');
    expect(recipientKeyOf(key, 'email', '+923001234567')).not.toBe(recipient);
    expect(contentHmacOf(key, 'hello')).toMatch(/^[0-9a-f]{64}$/);
  });
});
