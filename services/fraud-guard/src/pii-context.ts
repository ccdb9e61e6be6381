/**
 * Additional authenticated data for the envelopes fraud-guard opens or writes (libs/pii FieldCipher):
 * a ciphertext only opens in the context it was written for.
 */
export const aad = {
  /**
   * The directory's MSISDN envelope, passed through by exposure.v1 and on to the operator's adapter,
   * carries no aad: it is written at import, before any context exists (the exposure service's ADR 0008).
   */
  msisdn: undefined,
  /** The activation code inside EnrollmentCreated: the notifier and care open it with this. */
  activationCode: (enrollmentId: string) => `enrollment:${enrollmentId}/activation-code`,
  /** The one-time code inside ActivationChallengeIssued: only the notifier opens it, to text it. */
  oneTimeCode: (challengeId: string) => `challenge:${challengeId}/otp`,
  /** The number the one-time code goes to, inside ActivationChallengeIssued (the E.164 the person gave). */
  challengeMsisdn: (challengeId: string) => `challenge:${challengeId}/msisdn`,
};
