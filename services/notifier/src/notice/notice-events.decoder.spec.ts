import { randomBytes } from 'node:crypto';
import { ControlAction, LineType, PiiCategory, RiskTier } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { FieldCipher } from '@bnp/pii';
import { ContactSealer } from '../shared/contact-sealer';
import { NotifierErrorCode } from '../shared/notifier.exception';
import {
  activationChallengeIssued,
  careCodeIssued,
  enrollmentCreated,
  incidentControl,
  personExposed,
  testCipher,
} from '../testing/events';
import { NoticeEventsDecoder } from './notice-events.decoder';

function inbound(message: { key: string | null; value: Buffer | null }): InboundMessage {
  return {
    topic: 't',
    partition: 0,
    offset: '1',
    key: message.key,
    value: message.value,
    headers: {},
    timestamp: '0',
    attempt: 0,
  };
}

describe(NoticeEventsDecoder.name, () => {
  const sut = new NoticeEventsDecoder(new ContactSealer(testCipher));
  const base = { incidentId: 'INC-1', tier: RiskTier.CRITICAL, categories: [PiiCategory.CNIC] };

  it('opens the numbers the person still holds and skips recycled and machine SIMs', () => {
    const event = personExposed({
      ...base,
      numbers: [
        { msisdn: '0300-1234567' },
        { msisdn: '+923011111111', stillHeld: false },
        { msisdn: '+923022222222', lineType: LineType.MACHINE_TO_MACHINE },
        { msisdn: '042-1234567' },
      ],
      email: ' Ali.Khan@Example.PK ',
    });
    const received = sut.exposure(inbound(event));
    expect(received.numbers.map((number) => [number.e164, number.masked])).toEqual([
      ['+923001234567', '+92 3** *** **67'],
      [null, expect.any(String)],
    ]);
    expect(received.email).toEqual({ address: 'ali.khan@example.pk', masked: 'a*******@e******.pk' });
    expect(received.needsEnrollment).toBe(true);
    expect(received.idempotencyKey).toBe(event.idempotencyKey);
  });

  it('notices in Urdu when the requested language has no templates', () => {
    const received = sut.exposure(inbound(personExposed({ ...base, numbers: [], language: 'fr' as 'en' })));
    expect(received.language).toBe('ur');
    expect(received.requestedLanguage).toBe('fr');
  });

  it('refuses what can never be processed, and retries envelopes under a key it does not have yet', () => {
    const event = personExposed({ ...base, numbers: [{ msisdn: '+923001234567' }] });
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => sut.exposure(inbound({ ...event, key: 'someone-else' })))).toBe(NotifierErrorCode.KeyMismatch);
    expect(code(() => sut.exposure(inbound({ key: event.key, value: Buffer.from('not protobuf at all') })))).toBe(
      NotifierErrorCode.MalformedPayload,
    );
    const otherKeys = new NoticeEventsDecoder(
      new ContactSealer(new FieldCipher({ activeKeyId: 'other', keys: { other: randomBytes(32) } })),
    );
    expect(code(() => otherKeys.exposure(inbound(event)))).toBe(NotifierErrorCode.UnknownKey);
    const wrongKeySameId = new NoticeEventsDecoder(
      new ContactSealer(new FieldCipher({ activeKeyId: 'test1', keys: { test1: randomBytes(32) } })),
    );
    expect(code(() => wrongKeySameId.exposure(inbound(event)))).toBe(NotifierErrorCode.UnreadableEnvelope);
  });

  it('opens the activation code fraud-guard bound to its enrollment', () => {
    const event = enrollmentCreated({
      incidentId: 'INC-1',
      personId: 'P-1',
      idempotencyKey: 'INC-1:P-1:1',
      code: 'K7Q2-9XMD',
      enrollmentId: 'E-1',
    });
    expect(sut.enrollment(inbound(event))).toMatchObject({
      enrollmentId: 'E-1',
      activationCode: 'K7Q2-9XMD',
      exposureIdempotencyKey: 'INC-1:P-1:1',
    });
  });

  it('reads pause and resume, keyed by incident', () => {
    expect(sut.control(inbound(incidentControl('INC-1', ControlAction.PAUSED)))).toMatchObject({
      action: 'paused',
      incidentId: 'INC-1',
    });
    expect(() => sut.control(inbound({ ...incidentControl('INC-1', ControlAction.RESUMED), key: 'INC-2' }))).toThrow(
      /incident id/,
    );
  });

  describe('activation challenges', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    const base = { incidentId: 'INC-1', personId: 'P-1', msisdn: '0300-1234567', otp: '042917' };

    it('opens the number and the one-time code fraud-guard bound to the challenge', () => {
      const event = activationChallengeIssued({ ...base, language: 'EN', enrollmentId: 'E-1' });
      expect(sut.challenge(inbound(event))).toMatchObject({
        challengeId: event.challengeId,
        enrollmentId: 'E-1',
        personId: 'P-1',
        e164: '+923001234567',
        masked: '+92 3** *** **67',
        otp: '042917',
        language: 'en',
      });
      expect(sut.challenge(inbound(activationChallengeIssued({ ...base, language: '' }))).language).toBe('ur');
    });

    it('dead-letters a challenge whose parts are missing, mis-keyed or not what they claim, without echoing the code', () => {
      const event = activationChallengeIssued(base);
      expect(code(() => sut.challenge(inbound({ ...event, key: 'P-2' })))).toMatch(/^KEY_MISMATCH/);
      expect(code(() => sut.challenge(inbound({ key: 'P-1', value: Buffer.from('garbage') })))).toMatch(
        /^MALFORMED_PAYLOAD/,
      );
      expect(code(() => sut.challenge(inbound({ key: 'P-1', value: null })))).toMatch(/^MALFORMED_PAYLOAD/);
      expect(
        code(() => sut.challenge(inbound(activationChallengeIssued({ ...base, challengeId: 'not-a-uuid' })))),
      ).toMatch(/^INVALID_FIELD: challenge_id/);
      expect(
        code(() => sut.challenge(inbound(activationChallengeIssued({ ...base, sealedOtp: new Uint8Array() })))),
      ).toMatch(/^MISSING_FIELD: otp_ciphertext/);
      expect(
        code(() => sut.challenge(inbound(activationChallengeIssued({ ...base, sealedMsisdn: new Uint8Array() })))),
      ).toMatch(/^MISSING_FIELD: msisdn_ciphertext/);
      // Sealed without the challenge binding (or for another challenge): refused, not opened.
      expect(
        code(() =>
          sut.challenge(inbound(activationChallengeIssued({ ...base, sealedOtp: testCipher.encrypt('042917') }))),
        ),
      ).toMatch(/^UNREADABLE_ENVELOPE: otp_ciphertext/);
      const notANumber = activationChallengeIssued({ ...base, challengeId: '6f1c1d52-7d2b-4b7e-9d0e-3f3a7c1b2a10' });
      const landline = activationChallengeIssued({
        ...base,
        challengeId: '6f1c1d52-7d2b-4b7e-9d0e-3f3a7c1b2a10',
        sealedMsisdn: testCipher.encrypt('042-1234567', 'challenge:6f1c1d52-7d2b-4b7e-9d0e-3f3a7c1b2a10/msisdn'),
      });
      expect(code(() => sut.challenge(inbound(notANumber)))).toBe('no error');
      expect(code(() => sut.challenge(inbound(landline)))).toMatch(/^INVALID_FIELD: msisdn_ciphertext/);
      const shortCode = code(() => sut.challenge(inbound(activationChallengeIssued({ ...base, otp: '12345' }))));
      expect(shortCode).toMatch(/^INVALID_FIELD: otp_ciphertext/);
      expect(shortCode).not.toContain('12345');
    });
  });

  describe('care codes (care.challenges.v1)', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    const base = { incidentId: 'INC-1', personId: 'P-1', msisdn: '0300-1234567', code: '042917' };
    const verificationId = '6F1C1D52-7D2B-4B7E-9D0E-3F3A7C1B2A10';

    it('opens the number and the care code care-api bound to the verification, with no enrollment', () => {
      const event = careCodeIssued({ ...base, verificationId, language: ' EN ', revision: 3 });
      expect(sut.careChallenge(inbound(event))).toEqual({
        purpose: 'care-verification',
        challengeId: verificationId.toLowerCase(),
        enrollmentId: null,
        incidentId: 'INC-1',
        personId: 'P-1',
        revision: 3,
        e164: '+923001234567',
        masked: '+92 3** *** **67',
        otp: '042917',
        requestedLanguage: 'en',
        language: 'en',
        expiresAt: expect.any(Date),
      });
      const urdu = sut.careChallenge(inbound(careCodeIssued({ ...base, language: 'fr' })));
      expect([urdu.language, urdu.requestedLanguage]).toEqual(['ur', 'fr']);
      expect(sut.careChallenge(inbound(careCodeIssued({ ...base, language: '' }))).language).toBe('ur');
    });

    it('refuses a verification id that is not a UUID, and parts that are missing or mis-keyed', () => {
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, verificationId: 'V-1' }))))).toBe(
        'INVALID_FIELD: verification_id must be a UUID',
      );
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, verificationId: '' }))))).toBe(
        'MISSING_FIELD: verification_id is required',
      );
      expect(code(() => sut.careChallenge(inbound({ ...careCodeIssued(base), key: 'P-2' })))).toMatch(/^KEY_MISMATCH/);
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, personId: '' }))))).toMatch(
        /^MISSING_FIELD: person_id/,
      );
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, incidentId: '' }))))).toMatch(
        /^MISSING_FIELD: incident_id/,
      );
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, revision: 0 }))))).toMatch(
        /^MISSING_FIELD: revision/,
      );
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, expiresAt: null }))))).toMatch(
        /^MISSING_FIELD: expires_at/,
      );
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, sealedCode: new Uint8Array() }))))).toMatch(
        /^MISSING_FIELD: code_ciphertext/,
      );
      expect(code(() => sut.careChallenge(inbound({ key: 'P-1', value: Buffer.from('garbage') })))).toMatch(
        /^MALFORMED_PAYLOAD/,
      );
    });

    it('opens nothing sealed under another binding: no aad, another verification, or a fraud-watch challenge', () => {
      const other = '0b7e1a52-1d2c-4e3f-8a9b-0c1d2e3f4a5b';
      const sealedCode = [
        testCipher.encrypt('042917'),
        testCipher.encrypt('042917', `care-verification:${other}/code`),
        testCipher.encrypt('042917', `challenge:${verificationId}/otp`),
        testCipher.encrypt('042917', `care-verification:${verificationId}/msisdn`),
      ];
      for (const sealed of sealedCode) {
        expect(
          code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, verificationId, sealedCode: sealed })))),
        ).toMatch(/^UNREADABLE_ENVELOPE: code_ciphertext/);
      }
      const sealedMsisdn = testCipher.encrypt('+923001234567', `challenge:${verificationId}/msisdn`);
      expect(code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, verificationId, sealedMsisdn }))))).toMatch(
        /^UNREADABLE_ENVELOPE: msisdn_ciphertext/,
      );
    });

    it('refuses a code that is not 6 digits, or a number that is not a mobile one, without echoing either', () => {
      for (const bad of ['12345', '1234567', '04291A', ' 042917']) {
        const reason = code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, code: bad }))));
        expect(reason).toBe('INVALID_FIELD: code_ciphertext: not a 6-digit care code');
      }
      const landline = code(() => sut.careChallenge(inbound(careCodeIssued({ ...base, msisdn: '042-1234567' }))));
      expect(landline).toBe('INVALID_FIELD: msisdn_ciphertext: not a Pakistani mobile number');
    });
  });
});
