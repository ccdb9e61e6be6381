import { maskForError, PiiErrorCode, PiiValidationError } from './errors';

const MAX_EMAIL_LENGTH = 254; // RFC 5321 path limit minus the angle brackets
const MAX_LOCAL_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/**
 * Trims and lowercases the whole address. Lowercasing the local part is technically lossy (RFC 5321 lets servers
 * treat it case-sensitively) but no mainstream provider does, and lookups must find `Ali@X.com` as `ali@x.com`.
 * No provider-specific folding (Gmail dots, +tags): that would merge distinct people on other providers.
 * @throws PiiValidationError (INVALID_EMAIL)
 */
export function normalizeEmail(input: string): string {
  if (typeof input !== 'string') throw invalidEmail('email must be a string');
  const email = input.trim().toLowerCase();
  const problem = emailProblem(email);
  if (problem !== undefined) {
    throw invalidEmail(`email ${maskForError(email.slice(0, MAX_EMAIL_LENGTH))} ${problem}`);
  }
  return email;
}

export function isValidEmail(input: string): boolean {
  try {
    normalizeEmail(input);
    return true;
  } catch {
    return false;
  }
}

/** Deliberately basic: catches typos and garbage, not every RFC 5322 corner (quoted local parts are rejected). */
function emailProblem(email: string): string | undefined {
  if (email === '') return 'is empty';
  if (email.length > MAX_EMAIL_LENGTH) return `is longer than ${MAX_EMAIL_LENGTH} characters`;
  if (WHITESPACE_OR_CONTROL.test(email)) return 'contains whitespace';
  const parts = email.split('@');
  if (parts.length !== 2) return 'must contain exactly one @';
  const [local, domain] = parts as [string, string];
  if (local === '') return 'has nothing before the @';
  if (local.length > MAX_LOCAL_LENGTH) return `has more than ${MAX_LOCAL_LENGTH} characters before the @`;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'has a misplaced dot before the @';
  const labels = domain.split('.');
  if (labels.length < 2) return 'has no dot in the domain';
  const badLabel = labels.some(
    (label) => label === '' || label.length > MAX_LABEL_LENGTH || label.startsWith('-') || label.endsWith('-'),
  );
  if (badLabel) return 'has an invalid domain';
  return undefined;
}

function invalidEmail(message: string): PiiValidationError {
  return new PiiValidationError(PiiErrorCode.InvalidEmail, message);
}
