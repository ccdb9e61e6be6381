import { DASHES_AND_SPACES, foldDigits } from './digits';
import { maskForError, PiiErrorCode, PiiValidationError } from './errors';

const MAX_INPUT_LENGTH = 40;

/**
 * Normalizes a CNIC to its 13 plain digits (`3520212345671`): the form we store and blind-index,
 * so `35202-1234567-1` and `3520212345671` are the same person. Use `formatCnic` for display.
 * Only a leading 0 is rejected: the first digit is NADRA's region code (1-7 today) and we do not want
 * to reject real cards if NADRA extends the range. The last digit is not a checksum, so none is verified.
 * @throws PiiValidationError (INVALID_CNIC)
 */
export function normalizeCnic(input: string): string {
  if (typeof input !== 'string') throw invalidCnic('CNIC must be a string');
  if (input.length > MAX_INPUT_LENGTH) throw invalidCnic('CNIC is too long');
  const digits = foldDigits(input).replace(DASHES_AND_SPACES, '');
  if (digits === '') throw invalidCnic('CNIC is empty');
  if (!/^\d+$/.test(digits)) throw invalidCnic(`CNIC ${maskForError(digits)} contains characters other than digits`);
  if (digits.length !== 13) throw invalidCnic(`CNIC ${maskForError(digits)} has ${digits.length} digits, expected 13`);
  if (digits.startsWith('0')) throw invalidCnic(`CNIC ${maskForError(digits)} starts with 0, which is no region code`);
  return digits;
}

/** Canonical display form `xxxxx-xxxxxxx-x` (accepts anything `normalizeCnic` accepts). */
export function formatCnic(input: string): string {
  const digits = normalizeCnic(input);
  return `${digits.slice(0, 5)}-${digits.slice(5, 12)}-${digits.slice(12)}`;
}

export function isValidCnic(input: string): boolean {
  try {
    normalizeCnic(input);
    return true;
  } catch {
    return false;
  }
}

function invalidCnic(message: string): PiiValidationError {
  return new PiiValidationError(PiiErrorCode.InvalidCnic, message);
}
