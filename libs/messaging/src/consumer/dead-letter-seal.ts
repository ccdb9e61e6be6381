import type { FieldCipher } from '@bnp/pii';

/** Set on a retry or dead-letter copy whose value is sealed; names the envelope format. */
export const SEALED_HEADER = 'bnp-sealed';
export const SEALED_FORMAT = 'aes-256-gcm-envelope-v1';

/**
 * Seals the value a consumer group copies to its retry and dead-letter topics with the owning service's field key
 * (the AES-256-GCM envelope of @bnp/pii), bound to the group, so those topics hold no plain MSISDN, CNIC, name or
 * email however long they keep it. Only that group's consumer opens the seal: to handle a retried or re-driven
 * message. See docs/adr/0015-outages-poison-rows-and-sealed-dead-letters.md.
 */
export class DeadLetterSeal {
  private readonly aad: string;

  constructor(
    private readonly cipher: FieldCipher,
    groupId: string,
  ) {
    this.aad = `bnp-failed-message:${groupId}`;
  }

  /** The sealed copy of a value to publish with `SEALED_HEADER` set to `SEALED_FORMAT`. */
  seal(value: Buffer | null): Buffer | null {
    return value === null ? null : this.cipher.encryptBytes(value, this.aad);
  }

  /** The plain value of a copy this group sealed. @throws PiiCryptoError when it cannot be opened (key, tampering). */
  open(value: Buffer | null, headers: Record<string, string>): Buffer | null {
    if (value === null || !isSealed(headers)) return value;
    return this.cipher.decryptBytes(value, this.aad);
  }
}

export function isSealed(headers: Record<string, string>): boolean {
  return headers[SEALED_HEADER] === SEALED_FORMAT;
}
