import { randomInt } from 'node:crypto';
import request from 'supertest';
import { codeFromValue, CODE_BITS } from './activation/activation-code';
import { ACTIVATION_CODE_HEADER, ONE_TIME_CODE_HEADER } from './enrollment/holder-proof.verifier';
import { newMsisdn, held, exposure, fraudGuardFixture } from './testing/fraud-guard.fixture';

const PER_ENROLLMENT = 10;

/**
 * The enrolled person reads their enrollment and opts out without a staff login: their activation code
 * plus a one-time code texted to one of their own numbers (issue 19). Someone else's code answers exactly
 * as an unknown code does, and attempts are throttled per enrollment with Retry-After.
 */
describe('fraud-guard: the person proves they hold the enrollment', () => {
  const f = fraudGuardFixture({
    FRAUD_HOLDER_PROOF_PER_ENROLLMENT: String(PER_ENROLLMENT),
    FRAUD_HOLDER_PROOF_PER_CLIENT: '1000',
  });
  const http = () => request(f.app.getHttpServer());

  const enroll = async () => {
    const own = newMsisdn();
    const event = exposure({ subscriptions: [held(own)] });
    await f.send(event);
    const code = await f.codeOf(event.personId);
    const [row] = await f.enrollmentRows(event.incidentId);
    return { own, code, enrollmentId: row!.id, personId: event.personId };
  };
  /** A well-formed code that was never issued (50 random bits; a collision is 1 in 2^50). */
  const strangersCode = () => codeFromValue(randomInt(0, 2 ** 47) * 2 ** (CODE_BITS - 47)).display;
  const askForCode = (enrollmentId: string, code: string, msisdn: string) =>
    http().post(`/enrollments/${enrollmentId}/verification`).send({ code, msisdn });
  const proof = (code: string, otp: string) => ({ [ACTIVATION_CODE_HEADER]: code, [ONE_TIME_CODE_HEADER]: otp });
  const holderAccess = (enrollmentId: string) =>
    f.db.query<{ route: string; outcome: string; status: number; subject: string }>(
      `SELECT route, outcome, status, subject FROM fraud.access_log WHERE subject = $1 ORDER BY occurred_at`,
      [`holder:${enrollmentId}`],
    );

  it('reads and opts out with their code and a fresh one-time code; a code is good once', async () => {
    const person = await enroll();
    await http().get(`/enrollments/${person.enrollmentId}`).expect(401);

    const challenge = await askForCode(person.enrollmentId, person.code, person.own).expect(202);
    const { otp, msisdn } = await f.issued(challenge.body.challengeId);
    expect(msisdn).toBe(person.own);

    const view = await http().get(`/enrollments/${person.enrollmentId}`).set(proof(person.code, otp)).expect(200);
    expect(view.body).toMatchObject({ enrollmentId: person.enrollmentId, status: 'PENDING_ACTIVATION' });
    expect(JSON.stringify(view.body)).not.toContain(person.own.slice(-7));
    // The one-time code was consumed by the read.
    const again = await http().get(`/enrollments/${person.enrollmentId}`).set(proof(person.code, otp)).expect(409);
    expect(again.body.code).toBe('NO_PENDING_CHALLENGE');
    // Only the code is not enough.
    await http()
      .post(`/enrollments/${person.enrollmentId}/opt-out`)
      .set({ [ACTIVATION_CODE_HEADER]: person.code })
      .expect(400);

    await new Promise((resolve) => setTimeout(resolve, 1600)); // the fixture's minimum interval between codes
    const second = await askForCode(person.enrollmentId, person.code, person.own).expect(202);
    const optedOut = await http()
      .post(`/enrollments/${person.enrollmentId}/opt-out`)
      .set(proof(person.code, (await f.issued(second.body.challengeId)).otp))
      .expect(200);
    expect(optedOut.body.status).toBe('OPTED_OUT');

    // Both uses of the proof are in the append-only access log, under the enrollment and not a person's number.
    const allowed = await f.waitForApp(async () => {
      const rows = (await holderAccess(person.enrollmentId)).rows.filter((row) => row.outcome === 'ALLOWED');
      return rows.length >= 2 && rows;
    }, 'holder accesses in fraud.access_log');
    expect(allowed.map((row) => `${row.route} ${row.status}`)).toEqual([
      'GET /enrollments/:id 200',
      'POST /enrollments/:id/opt-out 200',
    ]);
  });

  it("answers someone else's code exactly as it answers a code nobody holds", async () => {
    const person = await enroll();
    const other = await enroll();

    // Asking for a one-time code.
    const withOthers = await askForCode(person.enrollmentId, other.code, other.own);
    const withUnknown = await askForCode(person.enrollmentId, strangersCode(), person.own);
    expect(withOthers.status).toBe(404);
    expect([withOthers.status, withOthers.body]).toEqual([withUnknown.status, withUnknown.body]);

    // Presenting a proof: the other person's own valid code and one-time code do not open this enrollment.
    const challenge = await askForCode(other.enrollmentId, other.code, other.own).expect(202);
    const othersOtp = (await f.issued(challenge.body.challengeId)).otp;
    const readWithOthers = await http().get(`/enrollments/${person.enrollmentId}`).set(proof(other.code, othersOtp));
    const readWithUnknown = await http()
      .get(`/enrollments/${person.enrollmentId}`)
      .set(proof(strangersCode(), othersOtp));
    expect(readWithOthers.status).toBe(404);
    expect([readWithOthers.status, readWithOthers.body]).toEqual([readWithUnknown.status, readWithUnknown.body]);
    // The refusal did not spend the other person's one-time code: it still opens their own enrollment.
    await http().get(`/enrollments/${other.enrollmentId}`).set(proof(other.code, othersOtp)).expect(200);
  });

  it('throttles attempts per enrollment with Retry-After, before any code is checked', async () => {
    const person = await enroll();
    const answers: number[] = [];
    for (let attempt = 0; attempt < PER_ENROLLMENT; attempt++) {
      const response = await http().get(`/enrollments/${person.enrollmentId}`).set(proof(strangersCode(), '123456'));
      answers.push(response.status);
    }
    expect(answers).toEqual(Array.from({ length: PER_ENROLLMENT }, () => 404));

    const throttled = await http().get(`/enrollments/${person.enrollmentId}`).set(proof(person.code, '123456'));
    expect(throttled.status).toBe(429);
    expect(throttled.body.code).toBe('TOO_MANY_CODE_REQUESTS');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Asking for a one-time code counts against the same limit.
    await askForCode(person.enrollmentId, person.code, person.own).expect(429);
  });
});
