import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CareCodeIssuedSchema, Topics, encodeMessage } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';

/** The aad each secret of a CareCodeIssued is sealed under: only this verification's message opens. */
export const CareCodeAad = {
  msisdn: (verificationId: string) => `care-verification:${verificationId}/msisdn`,
  code: (verificationId: string) => `care-verification:${verificationId}/code`,
};

export interface CareCodeEvent {
  verificationId: string;
  personId: string;
  incidentId: string;
  revision: number;
  msisdnCiphertext: Buffer;
  msisdnMasked: string;
  codeCiphertext: Buffer;
  language: string;
  expiresAt: Date;
}

/** `care.challenges.v1`, keyed by person: the notifier texts the care code to the number chosen. */
export function careCodeIssuedMessage(event: CareCodeEvent): OutboxMessage {
  return {
    topic: Topics.careChallenges,
    key: event.personId,
    payload: encodeMessage(CareCodeIssuedSchema, { ...event, expiresAt: timestampFromDate(event.expiresAt) }),
    headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'care.v1.CareCodeIssued' },
  };
}
