import { randomInt, randomUUID } from 'node:crypto';
import { ControlAction } from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { KafkaTestClient, waitFor } from '@bnp/testing';
import { careCodeIssued, incidentControl, testCipher, testMsisdn } from '../testing/events';
import { NotifierHarness } from '../testing/harness';

const URDU = /[\u0600-\u06FF]/;

// A helpline agent verifies a caller: care-api publishes CareCodeIssued, the notifier texts the code to
// the number the agent chose, and the caller reads it back. What the caller and the agent notice: one
// SMS with the code, however often the message arrives; none once the code has expired; and a broken
// message parked with its reason rather than retried forever or sent half-read.
describe('care codes (care.challenges.v1) end to end', () => {
  let h: NotifierHarness;
  let dlt: KafkaTestClient;
  let seed = randomInt(1, 800_000_000);
  const number = () => testMsisdn(seed++);
  const incident = () => `INC-${randomUUID().slice(0, 8)}`;
  const deadLetters = () => dlt.messages(deadLetterTopic(h.env.NOTIFIER_CONSUMER_GROUP!));

  beforeAll(async () => {
    h = await NotifierHarness.start();
    await h.startNotifier();
    dlt = new KafkaTestClient();
    await dlt.collect([deadLetterTopic(h.env.NOTIFIER_CONSUMER_GROUP!)]);
  });

  afterAll(async () => {
    await dlt?.close();
    await h?.close();
  });

  const deliveriesOf = (verificationId: string) =>
    h.query<{ channel: string; state: string; attempts: number; error_code: string | null }>(
      `SELECT d.channel, d.state, d.attempts, d.error_code FROM notify.deliveries d
       JOIN notify.notices n ON n.notice_id = d.notice_id WHERE n.idempotency_key = $1`,
      [`care-verification:${verificationId}`],
    );
  const noticeOf = async (verificationId: string) =>
    (
      await h.query<{ kind: string; outcome: string; reference_code: string; exposure_id: string }>(
        `SELECT kind, outcome, reference_code, exposure_id FROM notify.notices WHERE idempotency_key = $1`,
        [`care-verification:${verificationId}`],
      )
    )[0];
  const challengeOf = async (verificationId: string) =>
    (
      await h.query<{ purpose: string; enrollment_id: string | null }>(
        `SELECT purpose, enrollment_id FROM notify.activation_challenges WHERE challenge_id = $1`,
        [verificationId],
      )
    )[0];
  const settled = (verificationId: string) =>
    waitFor(
      async () => {
        const notice = await noticeOf(verificationId);
        const deliveries = await deliveriesOf(verificationId);
        const final = deliveries.every((d) => ['delivered', 'undelivered', 'failed', 'cancelled'].includes(d.state));
        return notice && notice.outcome !== 'pending' && final ? notice : undefined;
      },
      `care code ${verificationId} settled`,
      { timeoutMs: 20_000 },
    );

  it('texts the care code once to the number the agent chose, even when the message arrives twice, and a pause does not hold it', async () => {
    const incidentId = incident();
    const [englishTo, urduTo] = [number(), number()];
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    // The caller is on the line now: an incident's notices may be paused, the care code is not.
    await h.send(h.topics.incidentControl, [incidentControl(incidentId, ControlAction.PAUSED)]);
    await waitFor(
      async () =>
        (await h.query(`SELECT 1 FROM notify.incidents WHERE incident_id = $1 AND paused`, [incidentId])).length === 1,
      'pause recorded',
    );
    const english = careCodeIssued({
      incidentId,
      personId: `P-${randomUUID()}`,
      msisdn: englishTo,
      code,
      language: 'en',
    });
    const urdu = careCodeIssued({ incidentId, personId: `P-${randomUUID()}`, msisdn: urduTo, code: '000417' });
    await h.send(h.topics.careChallenges, [english, english, urdu]);

    await waitFor(() => h.smsTo(englishTo).length === 1 && h.smsTo(urduTo).length === 1, 'both care codes texted', {
      timeoutMs: 15_000,
    });
    const notice = await settled(english.verificationId);
    expect(notice).toMatchObject({ kind: 'activation', outcome: 'reached', exposure_id: english.verificationId });
    const [sms] = h.smsTo(englishTo);
    expect(sms?.body).toContain(code);
    expect(sms?.body).toContain('care code');
    expect(sms?.body).toMatch(new RegExp(`^${code} is your .* care code\\. Read it to our helpline agent only`));
    expect(sms?.body).toContain(notice.reference_code);
    expect(sms?.body).not.toContain('fraud-watch');
    expect(sms?.encoding).toBe('GSM-7');
    const [urduSms] = h.smsTo(urduTo);
    expect(urduSms?.body).toContain('000417');
    expect(urduSms?.body).toMatch(URDU);
    expect(urduSms?.body).toContain('کیئر کوڈ');
    expect(await challengeOf(english.verificationId)).toEqual({ purpose: 'care-verification', enrollment_id: null });

    // Redelivered after it went: still one SMS, one notice, one delivery.
    await h.consumed(await h.send(h.topics.careChallenges, [english]));
    const after = careCodeIssued({ incidentId, personId: english.key, msisdn: number(), code, language: 'en' });
    await h.send(h.topics.careChallenges, [after]);
    await settled(after.verificationId);
    expect(h.smsTo(englishTo)).toHaveLength(1);
    expect(await deliveriesOf(english.verificationId)).toEqual([
      expect.objectContaining({ channel: 'sms', state: 'delivered', attempts: 1 }),
    ]);

    // The notification log names the verification, never the code or the number.
    const entries = () =>
      h.query<{ status: string; detail: string | null; recipient_masked: string | null }>(
        `SELECT status, detail, recipient_masked FROM notify.notification_log
         WHERE incident_id = $1 AND person_id = $2 ORDER BY seq`,
        [incidentId, english.key],
      );
    await waitFor(async () => (await entries()).some((e) => e.status === 'delivered'), 'delivery logged');
    const log = await entries();
    expect(log.map((e) => e.detail)).toContain(`care code for caller verification ${english.verificationId}`);
    const everything = JSON.stringify(log);
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(englishTo.slice(3));
  });

  it('never texts a care code that expired on the way', async () => {
    const incidentId = incident();
    const to = number();
    const personId = `P-${randomUUID()}`;
    const expired = careCodeIssued({
      incidentId,
      personId,
      msisdn: to,
      code: '654321',
      expiresAt: new Date(Date.now() - 1000),
    });
    await h.send(h.topics.careChallenges, [expired]);
    await waitFor(() => noticeOf(expired.verificationId), 'expired care code recorded');
    expect(await deliveriesOf(expired.verificationId)).toEqual([
      expect.objectContaining({ state: 'cancelled', attempts: 0, error_code: 'EXPIRED' }),
    ]);
    // The marker that dispatch went past the expired code: a valid one to the same number, sent after, arrives.
    const valid = careCodeIssued({ incidentId, personId, msisdn: to, code: '246810' });
    await h.send(h.topics.careChallenges, [valid]);
    await settled(valid.verificationId);
    expect(h.smsTo(to).map((sms) => sms.body)).toEqual([expect.stringContaining('246810')]);
  });

  it('dead-letters a malformed care code with its reason, and texts nothing', async () => {
    const incidentId = incident();
    const to = number();
    const personId = `P-${randomUUID()}`;
    const shortCode = careCodeIssued({ incidentId, personId, msisdn: to, code: '12345' });
    const notAUuid = careCodeIssued({ incidentId, personId, msisdn: to, code: '123456', verificationId: 'V-1' });
    const unbound = careCodeIssued({
      incidentId,
      personId,
      msisdn: to,
      code: '123456',
      sealedCode: testCipher.encrypt('123456'), // not bound to the verification
    });
    const garbage = { key: personId, value: Buffer.from('not protobuf') };
    await h.send(h.topics.careChallenges, [shortCode, notAUuid, unbound, garbage]);

    const dead = await waitFor(
      () => {
        const mine = deadLetters().filter((message) => message.key === personId);
        return mine.length === 4 && mine;
      },
      'all four dead-lettered',
      { timeoutMs: 20_000 },
    );
    const reasons = dead
      .map((message) => `${message.headers[FailureHeaders.errorCode]}: ${message.headers[FailureHeaders.errorReason]}`)
      .sort();
    expect(reasons).toEqual([
      'INVALID_FIELD: code_ciphertext: not a 6-digit care code',
      'INVALID_FIELD: verification_id must be a UUID',
      expect.stringMatching(/^MALFORMED_PAYLOAD: /),
      expect.stringMatching(/^UNREADABLE_ENVELOPE: code_ciphertext/),
    ]);
    expect(reasons.join('\n')).not.toContain('12345');
    expect(h.smsTo(to)).toHaveLength(0);
    expect(
      await h.query(`SELECT 1 FROM notify.notices WHERE incident_id = $1 AND person_id = $2`, [incidentId, personId]),
    ).toHaveLength(0);
  });
});
