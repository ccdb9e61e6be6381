import { normalizeCnic, normalizeEmail, normalizeMsisdn, PiiValidationError } from '@bnp/pii';
import { CareErrorCode, CareException } from '../shared/care.exception';

export type SearchQuery =
  | { kind: 'msisdn'; normalized: string }
  | { kind: 'cnic'; normalized: string }
  | { kind: 'email'; normalized: string }
  | { kind: 'reference'; normalized: string };

// Crockford base32 as the notifier prints it (no I, L, O, U), in two groups of five.
const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}$/;

/**
 * What an agent typed, recognised and normalised: an MSISDN in any common spelling (0300-1234567,
 * +92 300 1234567, 0092..., 3001234567), a CNIC with or without dashes, an email, or the reference code
 * printed in the person's SMS. Errors never echo the value.
 */
export function parseSearchQuery(input: string): SearchQuery {
  const text = input.trim();
  if (text.length === 0 || text.length > 254) {
    throw new CareException(CareErrorCode.InvalidQuery, 'type a mobile number, CNIC, email or reference code');
  }
  if (text.includes('@')) return { kind: 'email', normalized: attempt(() => normalizeEmail(text), 'email') };
  const compact = text.replace(/[\s\-\u2010-\u2015().]/g, '');
  const reference = compact.toUpperCase();
  if (/[A-Za-z]/.test(compact) && REFERENCE.test(reference)) {
    return { kind: 'reference', normalized: `${reference.slice(0, 5)}-${reference.slice(-5)}` };
  }
  // 13 digits not starting with a country or trunk prefix is a CNIC; anything else numeric is a phone number.
  if (/^\d{13}$/.test(compact) && !/^(92|0)/.test(compact)) {
    return { kind: 'cnic', normalized: attempt(() => normalizeCnic(compact), 'CNIC') };
  }
  return { kind: 'msisdn', normalized: attempt(() => normalizeMsisdn(text), 'mobile number') };
}

function attempt(normalize: () => string, what: string): string {
  try {
    return normalize();
  } catch (error) {
    if (error instanceof PiiValidationError) {
      throw new CareException(CareErrorCode.InvalidQuery, `not a valid ${what}: ${error.message}`);
    }
    throw error;
  }
}
