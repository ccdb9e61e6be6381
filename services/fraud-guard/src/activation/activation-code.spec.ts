import { ActivationCodeMinter, SecretHasher, codeFromValue, parseActivationCode } from './activation-code';

describe(ActivationCodeMinter.name, () => {
  const sut = new ActivationCodeMinter();

  it('gives codes shaped XXXXX-XXXXX-C in Crockford base32 that its own reader accepts', () => {
    for (let index = 0; index < 2000; index++) {
      const code = sut.mint();
      expect(code.display).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z*~$=U]$/);
      expect(parseActivationCode(code.display)).toEqual({ ok: true, body: code.body });
    }
  });

  it('uses every symbol in every position (50 bits, not fewer)', () => {
    const seen = Array.from({ length: 10 }, () => new Set<string>());
    for (let index = 0; index < 5000; index++) {
      [...sut.mint().body].forEach((symbol, position) => seen[position]!.add(symbol));
    }
    expect(seen.map((symbols) => symbols.size)).toEqual(new Array(10).fill(32));
  });

  it('does not repeat itself across pool refills', () => {
    const bodies = new Set(Array.from({ length: 20000 }, () => sut.mint().body));
    expect(bodies.size).toBe(20000);
  });
});

describe(parseActivationCode.name, () => {
  const code = codeFromValue(0x2_f00d_cafe_beef);

  it('forgives case, spacing and the letters people type for 1 and 0', () => {
    const typed = code.display.toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o');
    expect(parseActivationCode(typed)).toEqual({ ok: true, body: code.body });
  });

  it('catches one wrong symbol and two swapped symbols with the check symbol', () => {
    const body = code.body;
    const wrong = `${body.slice(0, 3)}${body[3] === '7' ? '8' : '7'}${body.slice(4)}`;
    const swapIndex = [...body].findIndex((symbol, index) => index < 9 && symbol !== body[index + 1]);
    const swapped = body.slice(0, swapIndex) + body[swapIndex + 1] + body[swapIndex] + body.slice(swapIndex + 2);
    const check = code.display.slice(-1);
    expect(parseActivationCode(wrong + check)).toEqual({ ok: false, reason: 'checksum' });
    expect(parseActivationCode(swapped + check)).toEqual({ ok: false, reason: 'checksum' });
  });

  it.each(['', 'ABCDE-FGHJK', 'ABCDE-FGHJK-MN', 'ABCDU-FGHJK-0', 42, null])('refuses a malformed code %#', (input) => {
    expect(parseActivationCode(input)).toEqual({ ok: false, reason: 'format' });
  });

  it('encodes the extremes of the 50-bit range', () => {
    expect(codeFromValue(0).display).toBe('00000-00000-0');
    expect(codeFromValue(2 ** 50 - 1).body).toBe('ZZZZZZZZZZ');
    expect(() => codeFromValue(2 ** 50)).toThrow(RangeError);
  });
});

describe(SecretHasher.name, () => {
  const sut = new SecretHasher(Buffer.alloc(32, 1));

  it('hashes a code the same way every time, and differently under another key', () => {
    expect(sut.activationCode('ABCDEFGHJK')).toBe(sut.activationCode('ABCDEFGHJK'));
    expect(new SecretHasher(Buffer.alloc(32, 2)).activationCode('ABCDEFGHJK')).not.toBe(
      sut.activationCode('ABCDEFGHJK'),
    );
  });

  it('binds a one-time code to its challenge', () => {
    expect(sut.oneTimeCode('a', '123456')).not.toBe(sut.oneTimeCode('b', '123456'));
  });

  it('refuses a short key', () => {
    expect(() => new SecretHasher(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
