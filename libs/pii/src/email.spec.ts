import { isValidEmail, normalizeEmail } from './email';
import { PiiErrorCode, PiiValidationError } from './errors';

describe(normalizeEmail.name, () => {
  it('trims and lowercases the whole address so lookups match regardless of case', () => {
    expect(normalizeEmail('  Ali.Khan@Example.COM \n')).toBe('ali.khan@example.com');
  });

  it('keeps provider-specific details that could tell people apart', () => {
    expect(normalizeEmail('ali.khan+bank@gmail.com')).toBe('ali.khan+bank@gmail.com');
  });

  it.each(['a@b.pk', 'ali_khan-1@mail.example.com.pk', 'x@xn--mgbai9azgqp6j.pk'])('accepts %j', (input) => {
    expect(isValidEmail(input)).toBe(true);
  });

  it.each([
    ['no @', 'ali.khan.example.com'],
    ['two @', 'ali@khan@example.com'],
    ['no domain dot', 'ali@localhost'],
    ['empty local part', '@example.com'],
    ['inner space', 'ali khan@example.com'],
    ['empty domain label', 'ali@example..com'],
    ['trailing dot in domain', 'ali@example.com.'],
    ['leading dot in local part', '.ali@example.com'],
    ['hyphen-edged domain label', 'ali@-example.com'],
    ['empty', '   '],
    ['too long (over 254)', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.pk`],
    ['local part over 64', `${'a'.repeat(65)}@example.com`],
  ])('rejects %s', (_label, input) => {
    expect(() => normalizeEmail(input)).toThrow(PiiValidationError);
    expect(() => normalizeEmail(input)).toThrow(expect.objectContaining({ code: PiiErrorCode.InvalidEmail }));
  });

  it('says why without echoing the address', () => {
    expect(() => normalizeEmail('ali@khan@example.com')).toThrow(/exactly one @/);
    expect(() => normalizeEmail('ali@khan@example.com')).not.toThrow(/khan/);
  });
});
