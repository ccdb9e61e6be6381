import { createHmac, createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';

/**
 * Activation codes: 50 random bits written as 10 Crockford base32 symbols, plus one check symbol
 * (the value mod 37, Crockford's scheme), shown as `XXXXX-XXXXX-C`. 50 bits fit a JavaScript number
 * exactly, so no BigInt is needed. Readers forgive what people mistype: case, `I`/`L` for `1`, `O` for `0`,
 * missing or extra hyphens and spaces; the check symbol catches a wrong or swapped symbol before any lookup.
 */
export const CODE_BITS = 50;
const BODY_LENGTH = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_ALPHABET = `${ALPHABET}*~$=U`;
const TWO_POW_48 = 2 ** 48;
// Random bytes are taken from a pool refilled in one call: one syscall per ~1000 codes instead of one each.
const POOL_BYTES = 7 * 1024;

export interface ActivationCode {
  /** The 10 body symbols, canonical (upper case, no separators): what is hashed. */
  body: string;
  /** What the person is given: `XXXXX-XXXXX-C`. */
  display: string;
}

export type ParsedActivationCode = { ok: true; body: string } | { ok: false; reason: 'format' | 'checksum' };

export class ActivationCodeMinter {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  mint(): ActivationCode {
    if (this.offset + 7 > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    // 48 bits from six bytes, two more from the seventh: exactly 50 uniform bits.
    const low = this.pool.readUIntBE(this.offset, 6);
    const high = this.pool[this.offset + 6]! & 0b11;
    // Used bytes are wiped so the pool never holds a minted code's randomness longer than needed.
    this.pool.fill(0, this.offset, this.offset + 7);
    this.offset += 7;
    return codeFromValue(high * TWO_POW_48 + low);
  }
}

/** The code for a 50-bit value; exported for tests and the benchmark's reference. */
export function codeFromValue(value: number): ActivationCode {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** CODE_BITS)
    throw new RangeError('value must be a 50-bit integer');
  let rest = value;
  const symbols = new Array<string>(BODY_LENGTH);
  for (let index = BODY_LENGTH - 1; index >= 0; index--) {
    symbols[index] = ALPHABET[rest % 32]!;
    rest = Math.floor(rest / 32);
  }
  const body = symbols.join('');
  const check = CHECK_ALPHABET[value % 37]!;
  return { body, display: `${body.slice(0, 5)}-${body.slice(5)}-${check}` };
}

/** Reads what a person typed. Never echoes the input in a reason. */
export function parseActivationCode(input: unknown): ParsedActivationCode {
  if (typeof input !== 'string' || input.length > 40) return { ok: false, reason: 'format' };
  const compact = input.replace(/[\s-]/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
  if (compact.length !== BODY_LENGTH + 1) return { ok: false, reason: 'format' };
  let value = 0;
  for (const symbol of compact.slice(0, BODY_LENGTH)) {
    const digit = ALPHABET.indexOf(symbol);
    if (digit < 0) return { ok: false, reason: 'format' };
    value = value * 32 + digit;
  }
  const check = CHECK_ALPHABET.indexOf(compact.charAt(BODY_LENGTH));
  if (check < 0) return { ok: false, reason: 'format' };
  if (check !== value % 37) return { ok: false, reason: 'checksum' };
  return { ok: true, body: compact.slice(0, BODY_LENGTH) };
}

/**
 * Keyed hashes of activation codes and one-time codes: what the database keeps instead of the codes.
 * A plain hash of 50 bits could be brute-forced from a stolen table; without the key it cannot.
 */
export class SecretHasher {
  readonly #key: KeyObject;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the activation code key must be at least 32 bytes');
    this.#key = createSecretKey(key);
  }

  activationCode(body: string): string {
    return this.mac(`activation-code:${body}`);
  }

  /** Bound to the challenge, so one challenge's hash says nothing about another's. */
  oneTimeCode(challengeId: string, otp: string): string {
    return this.mac(`otp:${challengeId}:${otp}`);
  }

  private mac(input: string): string {
    return createHmac('sha256', this.#key).update(input, 'utf8').digest('hex');
  }
}
