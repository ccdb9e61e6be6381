import { createHmac, randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import twilio from 'twilio';
import { Channel, ControlAction, ExposureChange, PiiCategory, RiskTier } from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { KafkaTestClient, waitFor, keycloakToken } from '@bnp/testing';
import {
  activationChallengeIssued,
  enrollmentCreated,
  incidentControl,
  personExposed,
  testCipher,
  testMsisdn,
} from './testing/events';
import { NotifierHarness, TEST_AUTH_TOKEN, TEST_LOG_HMAC_KEY } from './testing/harness';

const URDU = /[\u0600-\u06FF]/;
const UNREACHABLE = testMsisdn(900_000_001); // the stand-in accepts, then reports undelivered (30003)
const LANDLINE = testMsisdn(900_000_002); // the stand-in refuses at create (21614)

/** A real Keycloak user's bearer token (docs/identity.md): every non-public route needs one. */
const bearer = async (username: string) => `Bearer ${(await keycloakToken({ username })).accessToken}`;

describe('notifier end to end (Kafka, PostgreSQL, Twilio stand-in, SMTP sink)', () => {
  let h: NotifierHarness;
  let seed = randomInt(1, 800_000_000);
  const number = () => testMsisdn(seed++);
  const incident = () => `INC-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    h = await NotifierHarness.start({
      standIn: {
        numbers: { unreachable: [UNREACHABLE], landline: [LANDLINE] },
        callbacks: { outOfOrderProbability: 0.5 },
      },
    });
    await h.startNotifier();
  });

  afterAll(async () => {
    await h?.close();
  });

  const deliveriesOf = (idempotencyKey: string) =>
    h.query<{
      channel: string;
      state: string;
      provider_ref: string | null;
      attempts: number;
      content_hmac: string | null;
      recipient_masked: string;
    }>(
      `SELECT d.channel, d.state, d.provider_ref, d.attempts, d.content_hmac, d.recipient_masked FROM notify.deliveries d
       JOIN notify.notices n ON n.notice_id = d.notice_id WHERE n.idempotency_key = $1 ORDER BY d.channel`,
      [idempotencyKey],
    );
  const noticeOf = async (idempotencyKey: string) =>
    (
      await h.query<{ notice_id: string; state: string; outcome: string; reference_code: string }>(
        `SELECT notice_id, state, outcome, reference_code FROM notify.notices WHERE idempotency_key = $1`,
        [idempotencyKey],
      )
    )[0];
  const settled = (idempotencyKey: string) =>
    waitFor(
      async () => {
        const notice = await noticeOf(idempotencyKey);
        const deliveries = await deliveriesOf(idempotencyKey);
        const final = deliveries.every(
          (d) =>
            ['delivered', 'undelivered', 'failed', 'rejected', 'cancelled', 'dry_run'].includes(d.state) ||
            (d.channel === 'email' && d.state === 'sent'),
        );
        return notice && notice.outcome !== 'pending' && final ? notice : undefined;
      },
      `notice ${idempotencyKey} settled`,
      { timeoutMs: 20_000 },
    );

  it('sends one Urdu SMS per number the person still holds and one email, naming their own categories, with the activation code', async () => {
    const incidentId = incident();
    const [first, second, recycled] = [number(), number(), number()];
    const email = `p-${randomUUID().slice(0, 8)}@example.pk`;
    const event = personExposed({
      incidentId,
      tier: RiskTier.CRITICAL,
      language: 'ur',
      categories: [PiiCategory.CNIC, PiiCategory.BANK_ACCOUNT],
      numbers: [
        { msisdn: first },
        { msisdn: second },
        { msisdn: recycled, stillHeld: false },
        { msisdn: first, subscriberId: 'same-number-again' },
      ],
      email,
    });
    // The enrollment arrives first: the notice must still pick it up.
    await h.send(h.topics.fraudEnrollments, [
      enrollmentCreated({
        incidentId,
        personId: event.personId,
        idempotencyKey: event.idempotencyKey,
        code: 'K7Q2-9XMD',
      }),
    ]);
    await h.send(h.topics.exposure, [event]);
    const notice = await settled(event.idempotencyKey);

    expect(notice.outcome).toBe('reached');
    expect(h.smsTo(recycled)).toHaveLength(0);
    for (const to of [first, second]) {
      const sms = h.smsTo(to);
      expect(sms).toHaveLength(1);
      expect(sms[0]?.body).toMatch(URDU);
      expect(sms[0]?.encoding).toBe('UCS-2');
      expect(sms[0]?.body).toContain('شناختی کارڈ نمبر');
      expect(sms[0]?.body).toContain('بینک اکاؤنٹ');
      expect(sms[0]?.body).not.toContain('کال ریکارڈ');
      expect(sms[0]?.body).toContain('K7Q2-9XMD');
      expect(sms[0]?.body).toContain(notice.reference_code);
      expect(sms[0]?.body).not.toMatch(/https?:|www\./);
    }
    const emails = h.emailsTo(email);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toMatch(URDU);
    expect(emails[0]?.html).toContain('dir="rtl"');
    expect(emails[0]?.text).toContain('آپ کا شناختی کارڈ نمبر');
    expect(emails[0]?.text).toContain('K7Q2-9XMD');
    const deliveries = await deliveriesOf(event.idempotencyKey);
    expect(deliveries.map((d) => `${d.channel}:${d.state}`).sort()).toEqual([
      'email:sent',
      'sms:delivered',
      'sms:delivered',
    ]);
    expect(deliveries.find((d) => d.channel === 'email')?.provider_ref).toMatch(/@notifier\.bnp>$/);
  });

  it('texts a LOW-tier person in English only, with no email', async () => {
    const incidentId = incident();
    const to = number();
    const event = personExposed({
      incidentId,
      tier: RiskTier.LOW,
      language: 'en',
      categories: [PiiCategory.NAME, PiiCategory.MSISDN],
      numbers: [{ msisdn: to }],
      email: 'low@example.pk',
    });
    await h.send(h.topics.exposure, [event]);
    await settled(event.idempotencyKey);
    const [sms] = h.smsTo(to);
    expect(h.smsTo(to)).toHaveLength(1);
    expect(sms?.encoding).toBe('GSM-7');
    expect(sms?.body).toContain('exposed your name & mobile number');
    expect(h.emailsTo('low@example.pk')).toHaveLength(0);
  });

  it('falls back to email when the SMS is undelivered, and counts a person nothing reached as unreachable', async () => {
    const incidentId = incident();
    const undelivered = personExposed({
      incidentId,
      tier: RiskTier.LOW,
      language: 'en',
      categories: [PiiCategory.NAME],
      numbers: [{ msisdn: UNREACHABLE }],
      email: 'fallback@example.pk',
    });
    const unreachable = personExposed({
      incidentId,
      tier: RiskTier.LOW,
      language: 'ur',
      categories: [PiiCategory.NAME],
      numbers: [{ msisdn: LANDLINE }],
    });
    await h.send(h.topics.exposure, [undelivered, unreachable]);

    expect((await settled(undelivered.idempotencyKey)).outcome).toBe('reached');
    expect(h.smsTo(UNREACHABLE)).toHaveLength(1);
    const emails = h.emailsTo('fallback@example.pk');
    expect(emails).toHaveLength(1);
    expect(emails[0]?.text).toContain('What happened');
    expect((await deliveriesOf(undelivered.idempotencyKey)).map((d) => `${d.channel}:${d.state}`).sort()).toEqual([
      'email:sent',
      'sms:undelivered',
    ]);

    expect((await settled(unreachable.idempotencyKey)).outcome).toBe('unreachable');
    expect((await deliveriesOf(unreachable.idempotencyKey))[0]).toMatchObject({ state: 'rejected', attempts: 1 });
    const summary = await request(h.app!.getHttpServer())
      .get(`/incidents/${incidentId}/notices`)
      .set('authorization', await bearer('grace'))
      .expect(200);
    expect(summary.body.notices).toMatchObject({ notices: 2, reached: 1, unreachable: 1 });
  });

  it('waits for the fraud enrollment, sends without the code when it does not come in time, and sends the code when it finally does', async () => {
    const incidentId = incident();
    const to = number();
    const event = personExposed({
      incidentId,
      tier: RiskTier.HIGH,
      language: 'en',
      categories: [PiiCategory.CNIC],
      numbers: [{ msisdn: to }],
      channels: [Channel.SMS],
    });
    const sentAt = Date.now();
    await h.send(h.topics.exposure, [event]);
    await waitFor(() => h.smsTo(to).length === 1, 'the notice without the code', { timeoutMs: 15_000 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2500);
    expect(h.smsTo(to)[0]?.body).toContain('Protection details follow');

    await h.send(h.topics.fraudEnrollments, [
      enrollmentCreated({
        incidentId,
        personId: event.personId,
        idempotencyKey: event.idempotencyKey,
        code: 'LATE-CODE',
      }),
    ]);
    await waitFor(() => h.smsTo(to).length === 2, 'the protection details');
    expect(h.smsTo(to)[1]?.body).toContain('Activation code LATE-CODE');
  });

  it('records dry runs without sending, and holds a paused incident until it is resumed', async () => {
    const dryIncident = incident();
    const dryTo = number();
    const dry = personExposed({
      incidentId: dryIncident,
      tier: RiskTier.CRITICAL,
      categories: [PiiCategory.CNIC],
      numbers: [{ msisdn: dryTo }],
      actions: [],
      dryRun: true,
    });
    const pausedIncident = incident();
    const pausedTo = number();
    const held = personExposed({
      incidentId: pausedIncident,
      tier: RiskTier.CRITICAL,
      categories: [PiiCategory.CNIC],
      numbers: [{ msisdn: pausedTo }],
      actions: [],
      channels: [Channel.SMS],
    });
    await h.send(h.topics.incidentControl, [incidentControl(pausedIncident, ControlAction.PAUSED)]);
    await waitFor(
      async () =>
        (await h.query(`SELECT 1 FROM notify.incidents WHERE incident_id = $1 AND paused`, [pausedIncident])).length ===
        1,
      'pause recorded',
    );
    await h.send(h.topics.exposure, [dry, held]);

    await waitFor(
      async () => (await noticeOf(held.idempotencyKey)) && (await noticeOf(dry.idempotencyKey)),
      'both recorded',
    );
    // The marker that dispatch went past them: a CRITICAL notice of another incident, recorded after
    // both, is sent and settled. Had the pause or the dry run been ignored, theirs would have gone first.
    const sentinelTo = number();
    const sentinel = personExposed({
      incidentId: incident(),
      tier: RiskTier.CRITICAL,
      categories: [PiiCategory.CNIC],
      numbers: [{ msisdn: sentinelTo }],
      actions: [],
      channels: [Channel.SMS],
    });
    await h.send(h.topics.exposure, [sentinel]);
    await settled(sentinel.idempotencyKey);
    expect(h.smsTo(sentinelTo)).toHaveLength(1);
    expect(h.smsTo(dryTo)).toHaveLength(0);
    expect(h.smsTo(pausedTo)).toHaveLength(0);
    expect(await deliveriesOf(held.idempotencyKey)).toEqual([expect.objectContaining({ attempts: 0 })]);
    expect(await noticeOf(dry.idempotencyKey)).toMatchObject({ state: 'dry_run', outcome: 'none' });
    const summary = await request(h.app!.getHttpServer())
      .get(`/incidents/${dryIncident}/notices`)
      .set('authorization', await bearer('grace'))
      .expect(200);
    expect(summary.body.notices).toMatchObject({ notices: 1, dry_run: 1 });

    await h.send(h.topics.incidentControl, [incidentControl(pausedIncident, ControlAction.RESUMED)]);
    await waitFor(() => h.smsTo(pausedTo).length === 1, 'the held notice after resume');
    expect(h.smsTo(dryTo)).toHaveLength(0);
  });

  it('notices each revision once: a redelivered event changes nothing, a widened revision sends an update', async () => {
    const incidentId = incident();
    const to = number();
    const personId = `P-${randomUUID()}`;
    const first = personExposed({
      incidentId,
      personId,
      tier: RiskTier.MEDIUM,
      language: 'en',
      categories: [PiiCategory.LOCATION],
      numbers: [{ msisdn: to }],
      channels: [Channel.SMS],
    });
    await h.send(h.topics.exposure, [first, first]);
    await settled(first.idempotencyKey);
    const widened = personExposed({
      incidentId,
      personId,
      revision: 2,
      change: ExposureChange.WIDENED,
      tier: RiskTier.MEDIUM,
      language: 'en',
      categories: [PiiCategory.LOCATION, PiiCategory.CALL_RECORDS],
      newCategories: [PiiCategory.CALL_RECORDS],
      numbers: [{ msisdn: to }],
      channels: [Channel.SMS],
    });
    // The redelivered first revision comes after the widened one: wait until the notifier has handled it.
    await h.consumed(await h.send(h.topics.exposure, [widened, first]));
    await settled(widened.idempotencyKey);
    const sms = h.smsTo(to);
    expect(sms).toHaveLength(2);
    expect(sms[1]?.body).toContain('update: the data breach also exposed your call records');
  });

  it('carries the code fraud-guard reissued for a widened revision of the same enrollment', async () => {
    const incidentId = incident();
    const to = number();
    const personId = `P-${randomUUID()}`;
    const enrollmentId = `E-${randomUUID()}`;
    const first = personExposed({
      incidentId,
      personId,
      tier: RiskTier.HIGH,
      language: 'en',
      categories: [PiiCategory.CNIC],
      numbers: [{ msisdn: to }],
      channels: [Channel.SMS],
    });
    await h.send(h.topics.fraudEnrollments, [
      enrollmentCreated({
        incidentId,
        personId,
        idempotencyKey: first.idempotencyKey,
        code: 'AAAA-1111',
        enrollmentId,
      }),
    ]);
    await h.send(h.topics.exposure, [first]);
    await settled(first.idempotencyKey);
    const widened = personExposed({
      incidentId,
      personId,
      revision: 2,
      change: ExposureChange.WIDENED,
      tier: RiskTier.CRITICAL,
      language: 'en',
      categories: [PiiCategory.CNIC, PiiCategory.BANK_ACCOUNT],
      newCategories: [PiiCategory.BANK_ACCOUNT],
      numbers: [{ msisdn: to }],
      channels: [Channel.SMS],
    });
    await h.send(h.topics.exposure, [widened]);
    await h.send(h.topics.fraudEnrollments, [
      enrollmentCreated({
        incidentId,
        personId,
        idempotencyKey: widened.idempotencyKey,
        code: 'BBBB-2222',
        enrollmentId,
      }),
    ]);
    await settled(widened.idempotencyKey);

    const sms = h.smsTo(to);
    expect(sms).toHaveLength(2);
    expect(sms[0]?.body).toContain('AAAA-1111');
    expect(sms[1]?.body).toContain('BBBB-2222');
  });

  it('refuses unsigned and forged status callbacks', async () => {
    const server = h.app!.getHttpServer();
    const path = `/twilio/status?d=${randomUUID()}`;
    const params = { MessageSid: `SM${'1'.repeat(32)}`, MessageStatus: 'delivered', To: '+923001234567' };
    await request(server).post(path).type('form').send(params).expect(403);
    await request(server).post(path).type('form').set('X-Twilio-Signature', 'forged=').send(params).expect(403);
    const wrongKey = twilio.getExpectedTwilioSignature('not-our-token', `${h.env.NOTIFIER_PUBLIC_URL}${path}`, params);
    await request(server).post(path).type('form').set('X-Twilio-Signature', wrongKey).send(params).expect(403);
    const signed = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${h.env.NOTIFIER_PUBLIC_URL}${path}`, params);
    await request(server).post(path).type('form').set('X-Twilio-Signature', signed).send(params).expect(204);
  });

  it('appends every attempt and status change to an append-only log, with an HMAC of the content and no contact data', async () => {
    const incidentId = incident();
    const to = number();
    const event = personExposed({
      incidentId,
      tier: RiskTier.MEDIUM,
      language: 'ur',
      categories: [PiiCategory.CALL_RECORDS],
      numbers: [{ msisdn: to }],
      email: 'logged@example.pk',
    });
    await h.send(h.topics.exposure, [event]);
    const notice = await settled(event.idempotencyKey);
    type Entry = {
      kind: string;
      channel: string;
      status: string;
      content_hmac: string | null;
      recipient_masked: string | null;
      detail: string | null;
      provider_ref: string | null;
      subject_id: string;
    };
    const entries = () =>
      h.query<Entry>(`SELECT * FROM notify.notification_log WHERE incident_id = $1 AND person_id = $2 ORDER BY seq`, [
        incidentId,
        event.personId,
      ]);
    // `sent` and `delivered` are logged apart, or only the furthest when applied in one batch: no count.
    const logged = (seen: Entry[], channel: string, status: string) =>
      seen.some((e) => e.channel === channel && e.status === status);
    await waitFor(
      async () => logged(await entries(), 'SMS', 'delivered') && logged(await entries(), 'EMAIL', 'sent'),
      'SMS delivered and email sent logged',
      { explain: async () => `log: ${JSON.stringify((await entries()).map((e) => `${e.channel}:${e.status}`))}` },
    );
    const log = await entries();
    expect(log[0]).toMatchObject({ kind: 'NOTICE_QUEUED', status: 'ready', subject_id: notice.notice_id });
    const smsLog = log.filter((e) => e.channel === 'SMS');
    expect(smsLog.map((e) => e.status)).toEqual(expect.arrayContaining(['sending', 'delivered']));
    const [sms] = h.smsTo(to);
    const hmac = createHmac('sha256', Buffer.from(TEST_LOG_HMAC_KEY, 'base64')).update(sms!.body, 'utf8').digest('hex');
    expect(smsLog.find((e) => e.status === 'sending')?.content_hmac).toBe(hmac);
    expect(smsLog.find((e) => e.status === 'delivered')?.provider_ref).toBe(sms!.sid);
    const everything = JSON.stringify(log);
    expect(everything).not.toContain(to.slice(3));
    expect(everything).not.toContain('logged@example.pk');
    expect(everything).not.toContain(sms!.body);

    await expect(
      h.db.query(`UPDATE notify.notification_log SET status = 'forged' WHERE incident_id = $1`, [incidentId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      h.db.query(`DELETE FROM notify.notification_log WHERE incident_id = $1`, [incidentId]),
    ).rejects.toThrow(/append-only/);
  });

  describe('activation one-time codes (fraud.challenges.v1)', () => {
    let dlt: KafkaTestClient;
    const deadLetters = () => dlt.messages(deadLetterTopic(h.env.NOTIFIER_CONSUMER_GROUP!));

    beforeAll(async () => {
      dlt = new KafkaTestClient();
      await dlt.collect([deadLetterTopic(h.env.NOTIFIER_CONSUMER_GROUP!)]);
    });

    afterAll(async () => {
      await dlt?.close();
    });

    it('texts the code once to the number given, in the person’s language, ahead of a paused incident; a redelivery sends nothing new', async () => {
      const incidentId = incident();
      const [urduTo, englishTo] = [number(), number()];
      const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
      // An activation the person asked for is not an incident notice: a pause does not hold it.
      await h.send(h.topics.incidentControl, [incidentControl(incidentId, ControlAction.PAUSED)]);
      await waitFor(
        async () =>
          (await h.query(`SELECT 1 FROM notify.incidents WHERE incident_id = $1 AND paused`, [incidentId])).length ===
          1,
        'pause recorded',
      );
      const urdu = activationChallengeIssued({ incidentId, personId: `P-${randomUUID()}`, msisdn: urduTo, otp });
      const english = activationChallengeIssued({
        incidentId,
        personId: `P-${randomUUID()}`,
        msisdn: englishTo,
        otp: '000417',
        language: 'en',
      });
      await h.send(h.topics.fraudChallenges, [urdu, urdu, english]);

      await waitFor(() => h.smsTo(urduTo).length === 1 && h.smsTo(englishTo).length === 1, 'both codes texted', {
        timeoutMs: 15_000,
      });
      const notice = await settled(`challenge:${urdu.challengeId}`);
      expect(notice.outcome).toBe('reached');
      const [sms] = h.smsTo(urduTo);
      expect(sms?.body).toContain(otp);
      expect(sms?.body).toMatch(URDU);
      expect(sms?.encoding).toBe('UCS-2');
      expect(sms?.body).toContain('کسی کو نہ بتائیں');
      expect(sms?.body).toContain(notice.reference_code);
      expect(sms?.body).not.toMatch(/https?:|www\./);
      const [englishSms] = h.smsTo(englishTo);
      expect(englishSms?.body).toMatch(
        /^000417 is your .* fraud-watch code\. It expires at \d\d:\d\d\. Never share it/,
      );
      expect(englishSms?.encoding).toBe('GSM-7');

      // Redelivered after it went: still one message, one notice, one delivery.
      await h.send(h.topics.fraudChallenges, [urdu]);
      const again = activationChallengeIssued({ incidentId, personId: `P-${randomUUID()}`, msisdn: number(), otp });
      await h.send(h.topics.fraudChallenges, [again]);
      await settled(`challenge:${again.challengeId}`);
      expect(h.smsTo(urduTo)).toHaveLength(1);
      expect(await deliveriesOf(`challenge:${urdu.challengeId}`)).toEqual([
        expect.objectContaining({ channel: 'sms', state: 'delivered', attempts: 1 }),
      ]);
      // Not a breach notice: the incident's counts do not include it.
      const summary = await request(h.app!.getHttpServer())
        .get(`/incidents/${incidentId}/notices`)
        .set('authorization', await bearer('grace'))
        .expect(200);
      expect(summary.body.notices).toMatchObject({ notices: 0 });

      // Logged like every delivery: HMAC of the text, masked number, never the code or the number.
      type Entry = {
        kind: string;
        channel: string;
        status: string;
        content_hmac: string | null;
        detail: string | null;
      };
      const entries = () =>
        h.query<Entry & { recipient_masked: string | null }>(
          `SELECT * FROM notify.notification_log WHERE incident_id = $1 AND person_id = $2 ORDER BY seq`,
          [incidentId, urdu.key],
        );
      await waitFor(async () => (await entries()).some((e) => e.status === 'delivered'), 'delivery logged');
      const log = await entries();
      const hmac = createHmac('sha256', Buffer.from(TEST_LOG_HMAC_KEY, 'base64'))
        .update(sms!.body, 'utf8')
        .digest('hex');
      expect(log.find((e) => e.status === 'sending')).toMatchObject({ channel: 'SMS', content_hmac: hmac });
      expect(log.find((e) => e.status === 'sending')?.recipient_masked).toMatch(/^\+92 3\*\*/);
      const everything = JSON.stringify(log);
      expect(everything).not.toContain(otp);
      expect(everything).not.toContain(urduTo.slice(3));
      // Once the SMS is settled the sealed code is wiped.
      await waitFor(
        async () =>
          (
            await h.query<{ otp_ciphertext: Buffer | null }>(
              `SELECT otp_ciphertext FROM notify.activation_challenges WHERE challenge_id = $1`,
              [urdu.challengeId],
            )
          )[0]?.otp_ciphertext === null,
        'one-time code wiped',
      );
    });

    it('dead-letters a malformed challenge with its reason, and never texts an expired code', async () => {
      const incidentId = incident();
      const to = number();
      const personId = `P-${randomUUID()}`;
      const unbound = activationChallengeIssued({
        incidentId,
        personId,
        msisdn: to,
        otp: '123456',
        sealedOtp: testCipher.encrypt('123456'), // not bound to the challenge
      });
      await h.send(h.topics.fraudChallenges, [unbound, { key: personId, value: Buffer.from('not protobuf') }]);
      const dead = await waitFor(
        () => deadLetters().filter((message) => message.key === personId).length === 2 && deadLetters(),
        'both dead-lettered',
      );
      const reasons = dead
        .filter((message) => message.key === personId)
        .map((message) => message.headers[FailureHeaders.errorCode]);
      expect(reasons.sort()).toEqual(['MALFORMED_PAYLOAD', 'UNREADABLE_ENVELOPE']);
      expect(
        dead.find((m) => m.headers[FailureHeaders.errorCode] === 'UNREADABLE_ENVELOPE')?.headers[
          FailureHeaders.errorReason
        ],
      ).toMatch(/otp_ciphertext/);

      const expired = activationChallengeIssued({
        incidentId,
        personId,
        msisdn: to,
        otp: '654321',
        expiresAt: new Date(Date.now() - 1000),
      });
      await h.send(h.topics.fraudChallenges, [expired]);
      await waitFor(() => noticeOf(`challenge:${expired.challengeId}`), 'expired challenge recorded');
      expect(await deliveriesOf(`challenge:${expired.challengeId}`)).toEqual([
        expect.objectContaining({ state: 'cancelled', attempts: 0 }),
      ]);
      // The marker that dispatch went past the expired code: a valid one to the same number, sent after, arrives.
      const valid = activationChallengeIssued({ incidentId, personId, msisdn: to, otp: '246810' });
      await h.send(h.topics.fraudChallenges, [valid]);
      await settled(`challenge:${valid.challengeId}`);
      expect(h.smsTo(to).map((sms) => sms.body)).toEqual([expect.stringContaining('246810')]);
    });
  });
});
