import { BlindIndexer, FieldCipher, PiiCryptoError } from '@bnp/pii';
import { CareErrorCode, CareException } from './care.exception';

/**
 * The directory's MSISDN envelope travels on exposure.v1 with no aad, or bound to its subscriber; the email
 * envelope with none (the notifier opens them the same way).
 */
const MSISDN_AAD = (subscriberId: string) => [undefined, `subscriber:${subscriberId}`];

/** Opens the envelopes care receives and blind-indexes values, with the platform's PII keys. */
export class ContactKeys {
  constructor(
    private readonly cipher: FieldCipher,
    readonly indexer: BlindIndexer,
  ) {}

  openMsisdn(envelope: Uint8Array, subscriberId: string): string {
    return this.open(envelope, MSISDN_AAD(subscriberId), 'msisdn_ciphertext');
  }

  openEmail(envelope: Uint8Array): string {
    return this.open(envelope, [undefined], 'email_ciphertext');
  }

  /** Seals a value for another service, bound to `aad` (a care code and its number, for the notifier). */
  seal(value: string, aad: string): Buffer {
    return this.cipher.encrypt(value, aad);
  }

  private open(envelope: Uint8Array, aads: (string | undefined)[], field: string): string {
    let last: unknown;
    for (const aad of aads) {
      try {
        return this.cipher.decrypt(Buffer.from(envelope), aad);
      } catch (error) {
        if (!(error instanceof PiiCryptoError)) throw error;
        last = error;
      }
    }
    const reason = last instanceof Error ? last.message : 'unknown';
    throw new CareException(CareErrorCode.UnreadableContact, `${field} does not open under our keys: ${reason}`);
  }
}
