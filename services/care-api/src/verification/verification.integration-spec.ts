import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Client } from 'pg';
import request from 'supertest';
import { Topics } from '@bnp/contracts';
import { type KafkaTestClient, keycloakToken } from '@bnp/testing';
import { startCare } from '../testing/care-app';
import { OwnersContract, exposedPerson, fed, textedCareCode, type ExposedPerson } from '../testing/care-fixtures';

const GROUP = `care-verify-it-${randomUUID().slice(0, 8)}`;

describe('caller verification (care code by SMS, read back to the agent)', () => {
  const owners = new OwnersContract();
  let app: INestApplication;
  let kafka: KafkaTestClient;
  let db: Client;
  let carol: string;

  beforeAll(async () => {
    await owners.start();
    ({ app, kafka, db } = await startCare(owners, GROUP, [Topics.careChallenges]));
    carol = (await keycloakToken({ username: 'carol' })).accessToken;
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
    await owners.close();
  });

  const call = (method: 'get' | 'post', path: string) =>
    request(app.getHttpServer())
      [method](path)
      .set('authorization', `Bearer ${carol}`)
      .set('x-access-reason', 'caller asks whether the breach SMS is real');
  const sendCode = (person: ExposedPerson, subscriberId = person.subscriberId) =>
    call('post', `/people/${person.personId}/verifications`).send({ subscriberId });
  const textedCode = (verificationId: string) => textedCareCode(kafka, { verificationId });

  it('texts a code to a number the person still holds and verifies the caller who reads it back', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const issued = await sendCode(person).expect(201);
    expect(issued.body).toMatchObject({ verified: false, attemptsLeft: 5, sentTo: expect.stringContaining('***') });
    const { verificationId } = issued.body as { verificationId: string };
    const texted = await textedCode(verificationId);
    expect(texted.msisdn).toBe(person.held);
    expect(texted.message).toMatchObject({ personId: person.personId, incidentId: person.incidentId, language: 'ur' });
    expect(JSON.stringify(issued.body)).not.toContain(texted.code); // the agent learns it only from the caller

    const wrong = texted.code === '000000' ? '000001' : '000000';
    const refused = await call('post', `/people/${person.personId}/verifications/${verificationId}/confirm`)
      .send({ code: wrong })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'CODE_INCORRECT', message: expect.stringContaining('4 tries left') });
    const read = `${texted.code.slice(0, 3)} ${texted.code.slice(3)}`; // as read aloud
    const verified = await call('post', `/people/${person.personId}/verifications/${verificationId}/confirm`)
      .send({ code: read })
      .expect(200);
    expect(verified.body).toMatchObject({ verificationId, verified: true, attemptsLeft: 4 });
    await call('get', `/people/${person.personId}/verifications/${verificationId}`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ verified: true }));

    // At rest only a digest bound to the verification; the audit names who did what, and why.
    const { rows } = await db.query<{ code_digest: Buffer; verified_by: string }>(
      `SELECT "code_digest", "verified_by" FROM "care"."verifications" WHERE "verification_id" = $1`,
      [verificationId],
    );
    expect(rows[0]!.code_digest.toString('latin1')).not.toContain(texted.code);
    expect(rows[0]!.verified_by).toBeTruthy();
    const audit = await db.query<{ route: string; outcome: string; reason: string }>(
      `SELECT "route", "outcome", "reason" FROM "care"."access_log" WHERE "target_ids"->>'personId' = $1 ORDER BY "occurred_at"`,
      [person.personId],
    );
    expect(audit.rows.map((row) => `${row.route} ${row.outcome}`)).toEqual([
      'POST /people/:personId/verifications ALLOWED',
      'POST /people/:personId/verifications/:verificationId/confirm FAILED', // a wrong code is recorded too
      'POST /people/:personId/verifications/:verificationId/confirm ALLOWED',
      'GET /people/:personId/verifications/:verificationId ALLOWED',
    ]);
    expect(new Set(audit.rows.map((row) => row.reason))).toEqual(
      new Set(['caller asks whether the breach SMS is real']),
    );
  });

  it('never texts a number the person no longer holds, nor one that is not theirs', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const recycled = person.event.subscriptions[1]!.subscriberId;
    await sendCode(person, recycled)
      .expect(404)
      .expect((res) => expect(res.body).toMatchObject({ code: 'NUMBER_NOT_HELD' }));
    await sendCode(person, 'SUB-not-theirs').expect(404);
    const { rows } = await db.query(`SELECT 1 FROM "care"."verifications" WHERE "person_id" = $1`, [person.personId]);
    expect(rows).toHaveLength(0);
  });

  it('stops a code after five wrong readings, and a person after three codes an hour (Retry-After)', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const first = (await sendCode(person).expect(201)).body as { verificationId: string };
    const { code } = await textedCode(first.verificationId);
    const wrong = code === '111111' ? '222222' : '111111';
    const confirm = (value: string) =>
      call('post', `/people/${person.personId}/verifications/${first.verificationId}/confirm`).send({ code: value });
    for (let attempt = 0; attempt < 5; attempt++) await confirm(wrong).expect(422);
    // Even the right code no longer works: a guesser gets five tries, not a million.
    await confirm(code)
      .expect(429)
      .expect((res) => expect(res.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' }));

    await sendCode(person).expect(201);
    await sendCode(person).expect(201);
    const limited = await sendCode(person).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3000);
    const { rows } = await db.query(`SELECT 1 FROM "care"."verifications" WHERE "person_id" = $1`, [person.personId]);
    expect(rows).toHaveLength(3);
  });

  it('opts a verified caller out through fraud-guard, as the agent, citing the verification; never an unverified one', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const { verificationId } = (await sendCode(person).expect(201)).body as { verificationId: string };
    const optOut = (enrollmentId = person.enrollmentId) =>
      call('post', `/people/${person.personId}/enrollments/${enrollmentId}/opt-out`).send({ verificationId });
    const optOutCalls = () => owners.received.filter((r) => r.path === `/enrollments/${person.enrollmentId}/opt-out`);

    await optOut()
      .expect(409)
      .expect((res) => expect(res.body).toMatchObject({ code: 'CALLER_NOT_VERIFIED' }));
    expect(optOutCalls()).toHaveLength(0);

    const { code } = await textedCode(verificationId);
    await call('post', `/people/${person.personId}/verifications/${verificationId}/confirm`).send({ code }).expect(200);
    await optOut(randomUUID()).expect(404); // not this person's enrollment: fraud-guard is never asked
    const done = await optOut().expect(200);
    expect(done.body).toMatchObject({ enrollmentId: person.enrollmentId, status: 'opted_out' });
    expect(optOutCalls()).toEqual([
      expect.objectContaining({
        authorization: `Bearer ${carol}`,
        reason: `caller asks whether the breach SMS is real (caller verified: ${verificationId})`,
      }),
    ]);
  });
});
