import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActivationChallengeIssuedSchema, Topics, encodeMessage } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';

export interface IssuedChallengeEvent {
  challengeId: string;
  enrollmentId: string;
  incidentId: string;
  personId: string;
  revision: number;
  /** Sealed with aad `challenge:<id>/msisdn`. */
  msisdnCiphertext: Buffer;
  msisdnMasked: string;
  /** Sealed with aad `challenge:<id>/otp`. */
  otpCiphertext: Buffer;
  language: string;
  expiresAt: Date;
}

/** `fraud.challenges.v1`, keyed by person: the notifier texts the one-time code to the number given. */
export function activationChallengeIssuedMessage(challenge: IssuedChallengeEvent): OutboxMessage {
  return {
    topic: Topics.fraudChallenges,
    key: challenge.personId,
    payload: encodeMessage(ActivationChallengeIssuedSchema, {
      challengeId: challenge.challengeId,
      enrollmentId: challenge.enrollmentId,
      incidentId: challenge.incidentId,
      personId: challenge.personId,
      msisdnCiphertext: challenge.msisdnCiphertext,
      msisdnMasked: challenge.msisdnMasked,
      otpCiphertext: challenge.otpCiphertext,
      language: challenge.language,
      expiresAt: timestampFromDate(challenge.expiresAt),
      revision: challenge.revision,
    }),
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'fraud.v1.ActivationChallengeIssued' },
  };
}
