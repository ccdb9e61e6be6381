import { createHmac } from 'node:crypto';

/** RFC 6238 TOTP as Keycloak's realm bnp is configured: HMAC-SHA1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes an RFC 4648 base32 secret (the form authenticator apps and the realm file use). */
export function base32Decode(secret: string): Buffer {
  const clean = secret.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not a base32 secret: unexpected character '${char}'`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** Encodes bytes as unpadded RFC 4648 base32 (how a new OTP secret is handed to Keycloak). */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The time step (RFC 6238 T) that contains `epochSeconds`. */
export function totpStep(epochSeconds: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(epochSeconds / period);
}

/** The 6-digit code of a base32 secret for one time step (RFC 4226 dynamic truncation). */
export function totpCode(base32Secret: string, step: number, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hmac = createHmac('sha1', base32Decode(base32Secret)).update(counter).digest();
  const offset = hmac.readUInt8(hmac.length - 1) & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * Keycloak refuses a code it has already accepted (otpPolicyCodeReusable=false) and accepts the current
 * step and one step ahead (look-ahead window 1). Given the last step used for a secret, picks the step to
 * use now, or says which step to wait for.
 */
export function nextTotpStep(
  currentStep: number,
  lastUsedStep: number | undefined,
): { use: number } | { waitFor: number } {
  for (const candidate of [currentStep, currentStep + 1]) {
    if (lastUsedStep === undefined || candidate > lastUsedStep) return { use: candidate };
  }
  return { waitFor: lastUsedStep ?? currentStep };
}
