import { maskCnic, maskEmail, maskMsisdn } from './mask';

// Field names that hold PII in our payloads. Top-level `name` is left out on purpose: it is pino's logger name.
const PII_FIELDS = [
  'msisdn',
  'phone',
  'phoneNumber',
  'mobile',
  'cnic',
  'email',
  'cc',
  'bcc',
  'name',
  'fullName',
  'firstName',
  'lastName',
  'fatherName',
  'dateOfBirth',
  'dob',
  'address',
  'to',
  'from',
  'body',
] as const;
const TOP_LEVEL_EXCEPTIONS = new Set<string>(['name']);

/**
 * pino `redact.paths` for the fields above at the top level and up to two levels deep (which also covers arrays such
 * as `recipients[*].msisdn`). Deeper nesting needs explicit paths; `redactPiiInText` is the net for free text.
 * Note `*.name` also censors `err.name`; `err.type` still carries the error class.
 */
export const piiRedactPaths: string[] = PII_FIELDS.flatMap((field) => [
  ...(TOP_LEVEL_EXCEPTIONS.has(field) ? [] : [field]),
  `*.${field}`,
  `*.*.${field}`,
]);

// One pass with alternation so masked output is never rescanned, and emails win over the digits inside them.
// Lookbehinds make each alternative start only at a boundary, which keeps matching linear on long garbage.
const EMAIL = String.raw`(?<![\w.%+-])[\w.%+-]{1,254}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}`;
const CNIC = String.raw`(?<!\d)(?:\d{5}-\d{7}-\d|\d{13})(?!\d)`;
// 03001234567, 0300-1234567, +92 300 1234567, 0092…, 923001234567, 3001234567.
const MSISDN = String.raw`(?<![\d+])(?:(?:\+|00)?92[\s-]?|0)?3\d{2}[\s-]?\d{3}[\s-]?\d{4}(?!\d)`;
const PII_IN_TEXT = new RegExp(`(${EMAIL})|(${CNIC})|(${MSISDN})`, 'g');

/**
 * Masks Pakistani MSISDNs, CNICs and email addresses inside free text (error messages, dead-letter headers).
 * Errs on the side of masking: any 13-digit run is treated as a CNIC, including epoch-millisecond timestamps.
 */
export function redactPiiInText(text: string): string {
  if (typeof text !== 'string') return '';
  return text.replace(PII_IN_TEXT, (match: string, email?: string, cnic?: string) => {
    if (email !== undefined) return maskEmail(match);
    if (cnic !== undefined) return maskCnic(match);
    return maskMsisdn(match);
  });
}
