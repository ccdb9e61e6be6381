import { foldDigits } from './digits';
import { maskForError, PiiErrorCode, PiiValidationError } from './errors';

const COUNTRY_CODE = '92';
/** National significant number of a Pakistani mobile: 3xx (operator) + 7 digits. */
const MOBILE_NSN = /^3\d{9}$/;
// Separators people type or spreadsheets add; '.' too because some CRMs export 0300.1234567.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212().]/g;
// Longer than any formatted number; stops us from echoing or scanning megabytes of garbage.
const MAX_INPUT_LENGTH = 40;

/**
 * Normalizes a Pakistani mobile number to E.164 (`+923001234567`).
 * Accepts national (`0300-1234567`), international (`+92 300 1234567`, `0092…`, `92…`) and bare (`3001234567`) forms.
 * @throws PiiValidationError (INVALID_MSISDN) for landlines, foreign numbers, wrong lengths and letters.
 */
export function normalizeMsisdn(input: string): string {
  if (typeof input !== 'string') throw invalidMsisdn('MSISDN must be a string');
  if (input.length > MAX_INPUT_LENGTH) throw invalidMsisdn('MSISDN is too long');
  const compact = foldDigits(input).replace(SEPARATORS, '');
  if (compact === '') throw invalidMsisdn('MSISDN is empty');
  if (!/^\+?\d+$/.test(compact)) {
    throw invalidMsisdn(`MSISDN ${maskForError(compact)} contains characters other than digits`);
  }
  const nsn = nationalSignificantNumber(compact);
  if (!nsn.startsWith('3')) {
    throw invalidMsisdn(`MSISDN ${maskForError(compact)} is not a mobile number (Pakistani mobiles start with 03)`);
  }
  if (!MOBILE_NSN.test(nsn)) {
    throw invalidMsisdn(`MSISDN ${maskForError(compact)} has ${nsn.length} digits after the country code, expected 10`);
  }
  return `+${COUNTRY_CODE}${nsn}`;
}

export function isValidMsisdn(input: string): boolean {
  try {
    normalizeMsisdn(input);
    return true;
  } catch {
    return false;
  }
}

function nationalSignificantNumber(compact: string): string {
  if (compact.startsWith('+')) {
    if (!compact.startsWith(`+${COUNTRY_CODE}`)) {
      throw invalidMsisdn(`MSISDN ${maskForError(compact)} is not a Pakistani number (country code must be +92)`);
    }
    return withoutTrunkZero(compact.slice(3));
  }
  if (compact.startsWith(`00${COUNTRY_CODE}`)) return withoutTrunkZero(compact.slice(4));
  // Bare '92' is only a country code when the rest is exactly a mobile NSN; otherwise it is ambiguous.
  if (compact.startsWith(COUNTRY_CODE) && compact.length === 12) return compact.slice(2);
  if (compact.startsWith('0')) return compact.slice(1);
  return compact;
}

/** '+92 (0)300 1234567' is a common way to write both forms at once; the 0 is the domestic trunk prefix. */
function withoutTrunkZero(nsn: string): string {
  return nsn.length === 11 && nsn.startsWith('03') ? nsn.slice(1) : nsn;
}

function invalidMsisdn(message: string): PiiValidationError {
  return new PiiValidationError(PiiErrorCode.InvalidMsisdn, message);
}
