import { normalizeCnic } from './cnic';
import { normalizeEmail } from './email';
import { normalizeMsisdn } from './msisdn';

/** What every mask returns for input it cannot understand: shows nothing, never throws. */
export const MASKED = '***';
// Long names would otherwise be recognisable by length alone; short ones keep their shape for support staff.
const MAX_NAME_PART_STARS = 6;

/** `+923001234567` (any accepted format) -> `+92 3** *** **67`: the network hint and last two digits only. */
export function maskMsisdn(value: unknown): string {
  const msisdn = tryNormalize(normalizeMsisdn, value);
  if (msisdn === undefined) return MASKED;
  return `+92 ${msisdn.charAt(3)}** *** **${msisdn.slice(-2)}`;
}

/** `3520212345671` or `35202-1234567-1` -> `*****-*******-1`. The last digit encodes gender (odd/even). */
export function maskCnic(value: unknown): string {
  const cnic = tryNormalize(normalizeCnic, value);
  if (cnic === undefined) return MASKED;
  return `*****-*******-${cnic.slice(-1)}`;
}

/** `ali.khan@example.com` -> `a*******@e******.com`: first character of the local part and domain, TLD kept. */
export function maskEmail(value: unknown): string {
  const email = tryNormalize(normalizeEmail, value);
  if (email === undefined) return MASKED;
  const at = email.indexOf('@');
  const domain = email.slice(at + 1);
  const lastDot = domain.lastIndexOf('.');
  return `${keepFirst(email.slice(0, at))}@${keepFirst(domain.slice(0, lastDot))}${domain.slice(lastDot)}`;
}

/** `Muhammad Ali Khan` -> `M****** A** K***`: initials only, at most six stars per part. */
export function maskName(value: unknown): string {
  if (typeof value !== 'string') return MASKED;
  const parts = value.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return MASKED;
  return parts
    .map((part) => {
      const [initial = '', ...rest] = Array.from(part); // code points, so Urdu and emoji are not split
      return initial + '*'.repeat(Math.min(rest.length, MAX_NAME_PART_STARS));
    })
    .join(' ');
}

/** Keeps the first character; a one-character segment is fully starred, so nothing is ever shown whole. */
function keepFirst(segment: string): string {
  const chars = Array.from(segment);
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

function tryNormalize(normalize: (input: string) => string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return normalize(value);
  } catch {
    return undefined;
  }
}
