import { maskForError, PiiCryptoError, PiiError, PiiErrorCode, PiiValidationError } from './errors';

describe(PiiError.name, () => {
  it('lets callers catch every library error by class and branch on the code', () => {
    const error = new PiiValidationError(PiiErrorCode.InvalidCnic, 'bad');

    expect(error).toBeInstanceOf(PiiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PiiValidationError');
    expect(error.code).toBe('INVALID_CNIC');
    expect(new PiiCryptoError(PiiErrorCode.DecryptFailed, 'x').name).toBe('PiiCryptoError');
  });
});

describe(maskForError.name, () => {
  it('keeps the two first and last characters and the length', () => {
    expect(maskForError('04235761234')).toBe('04*******34');
  });

  it('shows nothing of short values', () => {
    expect(maskForError('0300')).toBe('***');
  });
});
