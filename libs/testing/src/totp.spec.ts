import { base32Decode, base32Encode, nextTotpStep, totpCode, totpStep } from './totp';

describe(totpCode.name, () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890", 8 digits; 6-digit codes are its last 6.
  const rfcKey = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of the ASCII key
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
  ])('matches the RFC 6238 test vector at T=%i', (seconds, expected) => {
    expect(totpCode(rfcKey, totpStep(seconds), 8)).toBe(expected);
    expect(totpCode(rfcKey, totpStep(seconds))).toBe(expected.slice(2));
  });

  it('changes with the step', () => {
    expect(totpCode(rfcKey, 1)).not.toBe(totpCode(rfcKey, 2));
  });
});

describe(base32Decode.name, () => {
  it('decodes RFC 4648 base32, padded or not, any case', () => {
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    expect(base32Decode('mzxw6ytboi').toString()).toBe('foobar');
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => base32Decode('MZXW1')).toThrow("unexpected character '1'");
  });
});

describe(base32Encode.name, () => {
  it('encodes what base32Decode reads back', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    const bytes = Buffer.from([0, 255, 1, 128, 64, 7, 200, 33, 90, 17, 3]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });
});

describe(nextTotpStep.name, () => {
  it('uses the current step when nothing was used', () => {
    expect(nextTotpStep(100, undefined)).toEqual({ use: 100 });
  });

  it('uses the look-ahead step once the current one is spent', () => {
    expect(nextTotpStep(100, 100)).toEqual({ use: 101 });
  });

  it('waits when both acceptable steps are spent', () => {
    expect(nextTotpStep(100, 101)).toEqual({ waitFor: 101 });
  });
});
