import { timestampDate } from '@bufbuild/protobuf/wkt';
import request from 'supertest';
import { ActivationChallengeIssuedSchema, Topics, decodeBinary } from '@bnp/contracts';
import { maskMsisdn } from '@bnp/pii';
import { aad } from './pii-context';
import {
  careHeaders,
  cipher,
  newMsisdn,
  held,
  recycled,
  exposure,
  fraudGuardFixture,
} from './testing/fraud-guard.fixture';

describe('fraud-guard', () => {
  const f = fraudGuardFixture();
  const { send, waitForApp, published, logEntries, enrollmentRows, codeOf, issued } = f;

  describe('activation', () => {
    const enroll = async (numbers: string[]) => {
      const recycledNumber = newMsisdn();
      const event = exposure({ subscriptions: [...numbers.map((number) => held(number)), recycled(recycledNumber)] });
      await send(event);
      const code = await codeOf(event.personId);
      const [row] = await enrollmentRows(event.incidentId);
      return { event, code, enrollmentId: row!.id, recycledNumber };
    };
    const activate = (code: string, msisdn: string) =>
      request(f.app.getHttpServer()).post('/enrollments/activate').send({ code, msisdn });
    const confirm = (code: string, otp: string) =>
      request(f.app.getHttpServer()).post('/enrollments/activate/confirm').send({ code, otp });
    const otpOf = async (challengeId: string) => (await issued(challengeId)).otp;

    it('activates only for the person the code was issued to, with a one-time code to one of their own numbers', async () => {
      const own = newMsisdn();
      const person = await enroll([own, newMsisdn()]);
      const someoneElse = newMsisdn();

      expect((await activate(person.code, someoneElse).expect(403)).body.code).toBe('WRONG_PERSON');
      // A number the person once held but that now belongs to someone else gets nothing either.
      expect((await activate(person.code, person.recycledNumber).expect(403)).body.code).toBe('WRONG_PERSON');
      expect((await activate('ZZZZZ-ZZZZZ-Z', own).expect(400)).body.code).toBe('MALFORMED_CODE');
      const challenge = await activate(person.code.toLowerCase(), own.replace('+92', '0')).expect(202);
      expect(challenge.body.sentTo).toBe(maskMsisdn(own));

      // The one-time code leaves once, for the notifier, to the number given (as E.164), in the person's language.
      const sent = await issued(challenge.body.challengeId);
      expect(sent.key).toBe(person.event.personId);
      expect(sent.msisdn).toBe(own);
      expect(sent.otp).toMatch(/^\d{6}$/);
      expect(sent.event).toMatchObject({
        enrollmentId: person.enrollmentId,
        incidentId: person.event.incidentId,
        personId: person.event.personId,
        msisdnMasked: maskMsisdn(own),
        language: 'ur',
        revision: 1,
      });
      expect(timestampDate(sent.event.expiresAt!).getTime()).toBe(new Date(challenge.body.expiresAt).getTime());
      expect(() =>
        cipher.decrypt(Buffer.from(sent.event.otpCiphertext), aad.challengeMsisdn(challenge.body.challengeId)),
      ).toThrow();
      const otp = sent.otp;
      const wrong = otp === '000000' ? '111111' : '000000';
      expect((await confirm(person.code, wrong).expect(403)).body.code).toBe('WRONG_SECOND_FACTOR');
      const activated = await confirm(person.code, otp).expect(200);
      expect(activated.body).toMatchObject({ enrollmentId: person.enrollmentId, status: 'ACTIVE' });
      expect(JSON.stringify(activated.body)).not.toContain(own.slice(-7));
      expect((await activate(person.code, own).expect(409)).body.code).toBe('ALREADY_ACTIVE');
      await waitForApp(
        () => logEntries(person.event.personId).some((entry) => entry.status === 'active'),
        'activation logged',
      );
    });

    it('texts one-time codes at most once per interval and a few an hour; the latest code still activates', async () => {
      const own = newMsisdn();
      const person = await enroll([own]);
      const codesSent = () =>
        published(Topics.fraudChallenges).filter(
          (message) =>
            decodeBinary(ActivationChallengeIssuedSchema, message.value!).enrollmentId === person.enrollmentId,
        ).length;

      await activate(person.code, own).expect(202);
      const tooSoon = await activate(person.code, own).expect(429);
      expect(tooSoon.body.code).toBe('TOO_MANY_CODE_REQUESTS');
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      await activate(person.code, own).expect(202);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      const third = await activate(person.code, own).expect(202);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      // The hour's limit (3 here): the next code only once the first is an hour old.
      const overTheHour = await activate(person.code, own).expect(429);
      expect(overTheHour.body.code).toBe('TOO_MANY_CODE_REQUESTS');
      expect(Number(overTheHour.headers['retry-after'])).toBeGreaterThan(3500);

      await waitForApp(() => codesSent() === 3 || undefined, 'three codes sent');
      // The marker that publishing went past the refused requests: another person's code, asked for now, is out.
      const otherNumber = newMsisdn();
      const other = await enroll([otherNumber]);
      await issued((await activate(other.code, otherNumber).expect(202)).body.challengeId);
      expect(codesSent()).toBe(3);
      // Refused requests are not failed attempts: the latest code activates.
      const activated = await confirm(person.code, await otpOf(third.body.challengeId)).expect(200);
      expect(activated.body.status).toBe('ACTIVE');
    });

    it("refuses another person's code, and locks out after too many failed attempts", async () => {
      const own = newMsisdn();
      const person = await enroll([own]);
      const other = await enroll([newMsisdn()]);

      expect((await activate(other.code, own).expect(403)).body.code).toBe('WRONG_PERSON');
      const challenge = await activate(person.code, own).expect(202);
      const otp = await otpOf(challenge.body.challengeId);
      const wrong = otp === '000000' ? '111111' : '000000';
      for (let attempt = 0; attempt < 4; attempt++) {
        expect((await confirm(person.code, wrong).expect(403)).body.code).toBe('WRONG_SECOND_FACTOR');
      }
      expect((await confirm(person.code, otp).expect(429)).body.code).toBe('LOCKED_OUT');
      expect((await activate(person.code, own).expect(429)).body.code).toBe('LOCKED_OUT');
      const view = await request(f.app.getHttpServer())
        .get(`/enrollments/${person.enrollmentId}`)
        .set(await careHeaders())
        .expect(200);
      expect(view.body.status).toBe('PENDING_ACTIVATION');
      expect(view.body.lockedUntil).not.toBeNull();
      await waitForApp(
        () => logEntries(person.event.personId).some((entry) => entry.status === 'activation_locked_out'),
        'lockout logged',
      );
    });

    it('opts out (monitoring cancelled at the partner, locks kept) and expires unactivated enrollments', async () => {
      const optingOut = await enroll([newMsisdn()]);
      await waitForApp(
        () => f.partner.enrollments().some((record) => record.reference === optingOut.enrollmentId),
        'enrolled at the partner',
      );
      await request(f.app.getHttpServer()).post(`/enrollments/${optingOut.enrollmentId}/opt-out`).expect(401);
      const optedOut = await request(f.app.getHttpServer())
        .post(`/enrollments/${optingOut.enrollmentId}/opt-out`)
        .set(await careHeaders())
        .expect(200);
      expect(optedOut.body).toMatchObject({ status: 'OPTED_OUT', commands: [{ status: 'SENT' }] });
      await waitForApp(
        () =>
          f.partner.enrollments().find((record) => record.reference === optingOut.enrollmentId)?.status === 'cancelled',
        'cancelled at the partner',
      );
      await request(f.app.getHttpServer())
        .post(`/enrollments/${optingOut.enrollmentId}/opt-out`)
        .set(await careHeaders())
        .expect(200);

      const late = await enroll([newMsisdn()]);
      await f.db.query(`UPDATE fraud.enrollments SET enroll_by = now() - interval '1 minute' WHERE id = $1`, [
        late.enrollmentId,
      ]);
      await waitForApp(
        async () => (await enrollmentRows(late.event.incidentId))[0]!.status === 'EXPIRED',
        'expired by the sweeper',
      );
      expect((await activate(late.code, newMsisdn()).expect(409)).body.code).toBe('NOT_ACTIVATABLE');
      await request(f.app.getHttpServer())
        .get('/enrollments/not-an-id')
        .set(await careHeaders())
        .expect(404);
      const metrics = await request(f.app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/fraud_protection_commands_unacknowledged\{[^}]*\} \d+/);
      const health = await request(f.app.getHttpServer()).get('/health').expect(200);
      expect(health.body.checks).toEqual({ postgres: 'up', kafka: 'up' });
    });
  });
});
