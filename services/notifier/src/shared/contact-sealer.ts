import { DomainException } from '@bnp/errors';
import { FieldCipher, PiiCryptoError, PiiErrorCode } from '@bnp/pii';
import { NotifierErrorCode } from './notifier.exception';

/**
 * Opens contact envelopes at the edge and re-seals them under the notifier's own aad, so a stored
 * ciphertext is bound to the row that holds it. Plain values live only in memory, while validating
 * and while sending.
 */
export class ContactSealer {
  constructor(private readonly cipher: FieldCipher) {}

  /** Opens an envelope from another service, trying the aad conventions it may use in order. */
  openUpstream(envelope: Uint8Array, aadCandidates: (string | undefined)[], what: string): string {
    const buffer = Buffer.from(envelope);
    let lastError: unknown;
    for (const aad of aadCandidates) {
      try {
        return this.cipher.decrypt(buffer, aad);
      } catch (error) {
        if (error instanceof PiiCryptoError && error.code === PiiErrorCode.UnknownKeyId) {
          throw new DomainException(NotifierErrorCode.UnknownKey, `${what}: ${error.message}`);
        }
        lastError = error;
      }
    }
    const reason = lastError instanceof Error ? lastError.message : 'cannot be opened';
    throw new DomainException(NotifierErrorCode.UnreadableEnvelope, `${what}: ${reason}`);
  }

  seal(plain: string, aad: string): Buffer {
    return this.cipher.encrypt(plain, aad);
  }

  open(ciphertext: Buffer, aad: string): string {
    return this.cipher.decrypt(ciphertext, aad);
  }
}

/** The aad under which each kind of stored ciphertext is sealed by the notifier. */
export const SealedAad = {
  recipient: (deliveryId: string) => `notify:delivery:${deliveryId}`,
  noticeEmail: (noticeId: string) => `notify:notice:${noticeId}/email`,
  activationCode: (enrollmentId: string) => `notify:enrollment:${enrollmentId}/activation-code`,
  oneTimeCode: (challengeId: string) => `notify:challenge:${challengeId}/otp`,
};

/**
 * The aad each producer seals with, in the order tried. The exposure service passes the directory's
 * envelopes through unchanged, and those carry no aad (its ADR 0008); fraud-guard binds the activation
 * code to its enrollment. The bound forms are also accepted for contact points, should the directory
 * start binding them to the subscriber.
 */
export const UpstreamAad = {
  msisdn: (subscriberId: string): (string | undefined)[] => [undefined, `subscriber:${subscriberId}`],
  email: (): (string | undefined)[] => [undefined],
  activationCode: (enrollmentId: string): (string | undefined)[] => [
    `enrollment:${enrollmentId}/activation-code`,
    undefined,
  ],
  /** fraud-guard binds both secrets of an ActivationChallengeIssued to the challenge; nothing else opens. */
  challengeMsisdn: (challengeId: string): (string | undefined)[] => [`challenge:${challengeId}/msisdn`],
  oneTimeCode: (challengeId: string): (string | undefined)[] => [`challenge:${challengeId}/otp`],
  /** care-api binds both secrets of a CareCodeIssued to the caller verification; nothing else opens. */
  careMsisdn: (verificationId: string): (string | undefined)[] => [`care-verification:${verificationId}/msisdn`],
  careCode: (verificationId: string): (string | undefined)[] => [`care-verification:${verificationId}/code`],
};
