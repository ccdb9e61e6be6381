import { formatCnic, isValidCnic, normalizeCnic } from './cnic';
import { PiiErrorCode, PiiValidationError } from './errors';

describe(normalizeCnic.name, () => {
  it.each(['3520212345671', '35202-1234567-1', '35202 1234567 1', ' 35202-1234567-1 ', '35202\u20131234567\u20131'])(
    'normalizes %j to 13 plain digits',
    (input) => {
      expect(normalizeCnic(input)).toBe('3520212345671');
    },
  );

  it('reads Arabic-Indic and Urdu digits', () => {
    expect(normalizeCnic('٣٥٢٠٢-١٢٣٤٥٦٧-١')).toBe('3520212345671');
    expect(normalizeCnic('۳۵۲۰۲-۱۲۳۴۵۶۷-۱')).toBe('3520212345671');
  });

  it('accepts every region code except 0', () => {
    for (const first of '123456789') expect(isValidCnic(`${first}520212345671`)).toBe(true);
    expect(isValidCnic('0520212345671')).toBe(false);
  });

  it.each([
    ['12 digits', '352021234567'],
    ['14 digits', '35202123456712'],
    ['letters', '35202-123456X-1'],
    ['a leading zero', '05202-1234567-1'],
    ['empty', ''],
    ['long garbage', '1'.repeat(100)],
  ])('rejects %s with INVALID_CNIC', (_label, input) => {
    expect(() => normalizeCnic(input)).toThrow(PiiValidationError);
    expect(() => normalizeCnic(input)).toThrow(expect.objectContaining({ code: PiiErrorCode.InvalidCnic }));
  });

  it('never puts the CNIC in the error message', () => {
    expect(() => normalizeCnic('35202123456712')).toThrow(/14 digits, expected 13/);
    expect(() => normalizeCnic('35202123456712')).not.toThrow(/3520212345671/);
  });
});

describe(formatCnic.name, () => {
  it('formats as xxxxx-xxxxxxx-x from any accepted input', () => {
    expect(formatCnic('3520212345671')).toBe('35202-1234567-1');
    expect(formatCnic('35202 1234567 1')).toBe('35202-1234567-1');
  });

  it('rejects what normalizeCnic rejects', () => {
    expect(() => formatCnic('123')).toThrow(PiiValidationError);
  });
});
