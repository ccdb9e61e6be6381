import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActivationChallengeIssuedSchema, Topics, decodeBinary } from '@bnp/contracts';
import { activationChallengeIssuedMessage, type IssuedChallengeEvent } from './activation.messages';

function challenge(overrides: Partial<IssuedChallengeEvent> = {}): IssuedChallengeEvent {
  return {
    challengeId: '6f1c1d52-7d2b-4b7e-9d0e-3f3a7c1b2a10',
    enrollmentId: '0b6d3f1e-2c4a-4e8b-9a7d-5c3b2a1f0e9d',
    incidentId: 'INC-1',
    personId: 'P-1',
    revision: 2,
    msisdnCiphertext: Buffer.from('sealed-number'),
    msisdnMasked: '+92 3** *** **67',
    otpCiphertext: Buffer.from('sealed-code'),
    language: 'en',
    expiresAt: new Date('2026-12-31T09:05:00Z'),
    ...overrides,
  };
}

describe(activationChallengeIssuedMessage.name, () => {
  it('goes on fraud.challenges.v1 keyed by person, carrying only sealed secrets and the masked number', () => {
    const sut = activationChallengeIssuedMessage(challenge());
    expect(sut.topic).toBe(Topics.fraudChallenges);
    expect(sut.key).toBe('P-1');
    expect(sut.headers).toMatchObject({ 'bnp-schema': 'fraud.v1.ActivationChallengeIssued' });
    const event = decodeBinary(ActivationChallengeIssuedSchema, sut.payload);
    expect(event).toMatchObject({
      challengeId: '6f1c1d52-7d2b-4b7e-9d0e-3f3a7c1b2a10',
      personId: 'P-1',
      revision: 2,
      msisdnMasked: '+92 3** *** **67',
      language: 'en',
    });
    expect(Buffer.from(event.otpCiphertext).toString()).toBe('sealed-code');
    expect(Buffer.from(event.msisdnCiphertext).toString()).toBe('sealed-number');
    expect(timestampDate(event.expiresAt!).toISOString()).toBe('2026-12-31T09:05:00.000Z');
  });
});
