import { MASKED, maskCnic, maskEmail, maskMsisdn, maskName } from './mask';

const GARBAGE: unknown[] = [undefined, null, 42, {}, [], '', '   ', 'not pii', '042-35761234', '@', 'a@b'];

describe(maskMsisdn.name, () => {
  it('shows the network digit and the last two digits only', () => {
    expect(maskMsisdn('+923001234567')).toBe('+92 3** *** **67');
  });

  it('masks any accepted format the same way', () => {
    expect(maskMsisdn('0300-1234567')).toBe('+92 3** *** **67');
    expect(maskMsisdn('923001234567')).toBe('+92 3** *** **67');
  });

  it.each(GARBAGE)('returns *** for %j instead of throwing', (value) => {
    expect(maskMsisdn(value)).toBe(MASKED);
  });
});

describe(maskCnic.name, () => {
  it('shows the last digit only', () => {
    expect(maskCnic('3520212345671')).toBe('*****-*******-1');
    expect(maskCnic('35202-1234567-8')).toBe('*****-*******-8');
  });

  it.each(GARBAGE)('returns *** for %j instead of throwing', (value) => {
    expect(maskCnic(value)).toBe(MASKED);
  });
});

describe(maskEmail.name, () => {
  it('keeps the first character of the local part and domain and the TLD', () => {
    expect(maskEmail('ali.khan@example.com')).toBe('a*******@e******.com');
  });

  it('keeps only the last label of a multi-label domain', () => {
    expect(maskEmail('ali@mail.ptcl.net.pk')).toBe('a**@m************.pk');
  });

  it('never shows a one-character segment whole', () => {
    expect(maskEmail('a@x.pk')).toBe('*@*.pk');
  });

  it('masks the normalized form', () => {
    expect(maskEmail('  Ali.Khan@Example.com ')).toBe('a*******@e******.com');
  });

  it.each(GARBAGE)('returns *** for %j instead of throwing', (value) => {
    expect(maskEmail(value)).toBe(MASKED);
  });
});

describe(maskName.name, () => {
  it('keeps initials and caps the stars so long names are not recognisable by length', () => {
    expect(maskName('Muhammad Ali Khan')).toBe('M****** A** K***');
  });

  it('collapses odd spacing', () => {
    expect(maskName('  Ali \t Khan ')).toBe('A** K***');
  });

  it('keeps whole Urdu letters', () => {
    expect(maskName('علی خان')).toBe('ع** خ**');
  });

  it.each([undefined, null, 42, {}, '', '   '])('returns *** for %j instead of throwing', (value) => {
    expect(maskName(value)).toBe(MASKED);
  });
});
