import type { ReceivedChallenge } from './notice-events.decoder';
import { oneTimeCodeFiling } from './one-time-code-filing';

describe(oneTimeCodeFiling.name, () => {
  const id = '6f1c1d52-7d2b-4b7e-9d0e-3f3a7c1b2a10';
  const code = {
    challengeId: id,
    incidentId: 'INC-1',
    personId: 'P-1',
    revision: 1,
    e164: '+923001234567',
    masked: '+92 3** *** **67',
    otp: '042917',
    requestedLanguage: 'ur',
    language: 'ur',
    expiresAt: new Date('2026-12-31T09:05:00Z'),
  } as const;
  const activation: ReceivedChallenge = { ...code, purpose: 'fraud-activation', enrollmentId: 'E-1' };
  const care: ReceivedChallenge = { ...code, purpose: 'care-verification', enrollmentId: null };

  it('keys a fraud-watch code by its challenge and files it under the enrollment it activates', () => {
    expect(oneTimeCodeFiling(activation)).toEqual({
      idempotencyKey: `challenge:${id}`,
      subjectId: 'E-1',
      description: `activation one-time code for enrollment E-1, challenge ${id}`,
    });
  });

  it('keys a care code by its verification, never as a fraud-watch challenge of the same id', () => {
    const filing = oneTimeCodeFiling(care);
    expect(filing).toEqual({
      idempotencyKey: `care-verification:${id}`,
      subjectId: id,
      description: `care code for caller verification ${id}`,
    });
    expect(filing.idempotencyKey).not.toBe(oneTimeCodeFiling(activation).idempotencyKey);
  });

  it('never files the number or the code', () => {
    for (const challenge of [activation, care]) {
      const text = JSON.stringify(oneTimeCodeFiling(challenge));
      expect(text).not.toContain('042917');
      expect(text).not.toContain('1234567');
    }
  });
});
