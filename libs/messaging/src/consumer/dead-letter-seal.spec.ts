import { randomBytes } from 'node:crypto';
import { FieldCipher, PiiCryptoError } from '@bnp/pii';
import { DeadLetterSeal, SEALED_FORMAT, SEALED_HEADER } from './dead-letter-seal';

describe(DeadLetterSeal.name, () => {
  const cipher = new FieldCipher({ activeKeyId: 'k1', keys: { k1: randomBytes(32) } });
  const sut = new DeadLetterSeal(cipher, 'bnp-exposure');
  const plain = Buffer.from('\n\x0dcnic 3520212345671 name Ali Khan +923001234567 ali@example.com', 'latin1');

  it('leaves nothing of the value readable and opens it back', () => {
    const sealed = sut.seal(plain);
    expect(sealed!.toString('latin1')).not.toMatch(/3520212345671|Ali Khan|3001234567|example\.com/);
    expect(sut.open(sealed, { [SEALED_HEADER]: SEALED_FORMAT })).toEqual(plain);
  });

  it('passes an unsealed value (a dead letter from before sealing) through open unchanged', () => {
    expect(sut.open(plain, {})).toBe(plain);
  });

  it('cannot be opened by another group', () => {
    const sealed = sut.seal(plain);
    expect(() => new DeadLetterSeal(cipher, 'bnp-notifier').open(sealed, { [SEALED_HEADER]: SEALED_FORMAT })).toThrow(
      PiiCryptoError,
    );
  });
});
