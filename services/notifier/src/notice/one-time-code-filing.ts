import type { ReceivedChallenge } from './notice-events.decoder';

/** What tells one kind of one-time code from another in its notice and log entry; the rest is recorded alike. */
export interface OneTimeCodeFiling {
  /** The notice's idempotency key: one notice, so one SMS, per challenge (or verification) id. */
  idempotencyKey: string;
  /** What the notice is filed under in place of an exposure: the enrollment activated, or the verification. */
  subjectId: string;
  /** For the notification log: ids only, never the number or the code. */
  description: string;
}

/**
 * Keys of their own per producer: a fraud-guard challenge and a care-api verification are different
 * things that could never share a notice, even were their ids to collide.
 */
export function oneTimeCodeFiling(challenge: ReceivedChallenge): OneTimeCodeFiling {
  switch (challenge.purpose) {
    case 'fraud-activation':
      return {
        idempotencyKey: `challenge:${challenge.challengeId}`,
        subjectId: challenge.enrollmentId,
        description: `activation one-time code for enrollment ${challenge.enrollmentId}, challenge ${challenge.challengeId}`,
      };
    case 'care-verification':
      return {
        idempotencyKey: `care-verification:${challenge.challengeId}`,
        subjectId: challenge.challengeId,
        description: `care code for caller verification ${challenge.challengeId}`,
      };
  }
}
