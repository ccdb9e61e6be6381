import { PiiErrorCode, PiiValidationError } from './errors';
import { isValidMsisdn, normalizeMsisdn } from './msisdn';

describe(normalizeMsisdn.name, () => {
  it.each([
    '03001234567',
    '0300-1234567',
    '0300 1234567',
    '(0300) 1234567',
    '0300.1234567',
    '923001234567',
    '+923001234567',
    '+92 300 1234567',
    '+92-300-1234567',
    '+92 (0)300 1234567',
    '00923001234567',
    '0092 300 1234567',
    '3001234567',
    '  03001234567\n',
    '0300\u20131234567', // en dash from a word processor
    '۰۳۰۰۱۲۳۴۵۶۷', // Urdu (extended Arabic-Indic) digits
  ])('normalizes %j to E.164', (input) => {
    expect(normalizeMsisdn(input)).toBe('+923001234567');
  });

  it('keeps the operator prefix and subscriber digits', () => {
    expect(normalizeMsisdn('0345-9876543')).toBe('+923459876543');
    expect(normalizeMsisdn('0311 0000001')).toBe('+923110000001');
  });

  it.each([
    ['Lahore landline', '042-35761234'],
    ['Islamabad landline', '051-1234567'],
    ['landline in international form', '+92 42 35761234'],
    ['too short', '0300123456'],
    ['too long', '030012345678'],
    ['letters', '0300-123456A'],
    ['letter O for zero', 'O3001234567'],
    ['foreign number', '+447911123456'],
    ['plus in the middle', '0300+1234567'],
    ['empty', ''],
    ['only separators', ' - ( ) '],
    ['long garbage', '0'.repeat(100)],
  ])('rejects a %s', (_label, input) => {
    expect(() => normalizeMsisdn(input)).toThrow(PiiValidationError);
    expect(isValidMsisdn(input)).toBe(false);
  });

  it('rejects with the INVALID_MSISDN code', () => {
    expect(() => normalizeMsisdn('042-35761234')).toThrow(
      expect.objectContaining({ code: PiiErrorCode.InvalidMsisdn }),
    );
  });

  it('says why, without the number itself in the message', () => {
    const messageFor = (input: string): string => {
      try {
        normalizeMsisdn(input);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a rejection');
    };

    expect(messageFor('04235761234')).toMatch(/not a mobile number/);
    expect(messageFor('04235761234')).not.toContain('04235761234');
    expect(messageFor('030012345678')).toMatch(/11 digits after the country code, expected 10/);
    expect(messageFor('030012345678')).not.toContain('030012345678');
    expect(messageFor('+447911123456')).not.toContain('447911123456');
    expect(messageFor('0300123456A')).not.toContain('0300123456');
  });

  it('rejects non-strings from untyped callers as a validation error', () => {
    expect(() => normalizeMsisdn(3001234567 as unknown as string)).toThrow(PiiValidationError);
  });
});

describe(isValidMsisdn.name, () => {
  it('accepts any format normalizeMsisdn accepts', () => {
    expect(isValidMsisdn('+92 300 1234567')).toBe(true);
  });
});
