import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { LogEntryKind, Topics } from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { maskMsisdn } from '@bnp/pii';
import { type KafkaTestClient, keycloakToken, waitFor } from '@bnp/testing';
import { startCare } from './testing/care-app';
import { OwnersContract, exposedPerson, fed, indexer, logEntry, national, newMsisdn } from './testing/care-fixtures';

const GROUP = `care-api-it-${randomUUID().slice(0, 8)}`;

describe('care-api', () => {
  const owners = new OwnersContract();
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;
  let carol: string;
  let dave: string;

  beforeAll(async () => {
    await owners.start();
    ({ app, kafka, db } = await startCare(owners, GROUP));
    carol = (await keycloakToken({ username: 'carol' })).accessToken;
    dave = (await keycloakToken({ username: 'dave' })).accessToken;
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
    await owners.close();
  });

  const http = () => request(app.getHttpServer());
  const accessRows = (route: string, since: Date) =>
    db
      .query<{
        subject: string;
        route: string;
        target_ids: Record<string, string>;
        reason: string | null;
        outcome: string;
      }>(
        `SELECT "subject", "route", "target_ids", "reason", "outcome" FROM "care"."access_log"
         WHERE "route" = $1 AND "occurred_at" >= $2 ORDER BY "occurred_at"`,
        [route, since],
      )
      .then((result) => result.rows);

  it('finds a person by the number as an agent types it, and audits who was found', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const since = new Date();
    const response = await http()
      .post('/people/search')
      .set('authorization', `Bearer ${carol}`)
      .set('x-access-reason', 'inbound call about the breach SMS')
      .send({ query: national(person.held) })
      .expect(200);
    expect(response.body).toMatchObject({
      kind: 'msisdn',
      outcome: 'affected',
      people: [{ personId: person.personId, incidents: 1, numbers: [maskMsisdn(person.held)] }],
    });
    expect(JSON.stringify(response.body)).not.toContain(person.held.slice(4));
    // The directory got a blind index and the agent's own token, never the number.
    const sent = owners.received.at(-1)!;
    expect(sent.body).not.toContain(person.held.slice(4));
    expect(sent.authorization).toBe(`Bearer ${carol}`);
    const [audit] = await accessRows('POST /people/search', since);
    expect(audit).toMatchObject({
      outcome: 'ALLOWED',
      target_ids: { personIds: person.personId, outcome: 'affected' },
    });
  });

  it('says "not affected" only for a person the directory knows, and "unknown" otherwise', async () => {
    const known = newMsisdn();
    owners.holders.set(indexer.indexHex('msisdn', known), { personId: randomUUID(), numbers: [] });
    const search = (query: string) =>
      http()
        .post('/people/search')
        .set('authorization', `Bearer ${carol}`)
        .set('x-access-reason', 'caller asks if affected')
        .send({ query })
        .expect(200);
    expect((await search(known)).body).toMatchObject({ outcome: 'not-affected' });
    expect((await search(newMsisdn())).body).toMatchObject({ outcome: 'unknown', people: [] });
  });

  it('shows the person masked: the rule in words, the delivery timeline, unreachable, enrollment; audited', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const since = new Date();
    const { body } = await http()
      .get(`/people/${person.personId}`)
      .set('authorization', `Bearer ${carol}`)
      .set('x-access-reason', 'caller says the SMS never came')
      .expect(200);
    expect(body.reach).toBe('unreachable');
    expect(body.incidents[0].revisions[0]).toMatchObject({
      tier: 'HIGH',
      categories: ['NAME', 'CNIC', 'MSISDN'],
      rule: { id: 'identity-sim-or-financial', words: expect.stringContaining('SIM cloning') },
      numbers: expect.arrayContaining([
        { subscriberId: person.subscriberId, msisdnMasked: maskMsisdn(person.held), stillHeld: true },
      ]),
    });
    expect(body.notices[0]).toMatchObject({ language: 'ur', templateVersion: '4', reach: 'unreachable' });
    expect(body.notices[0].timeline[1].error).toContain('switched off');
    expect(body.enrollments[0]).toMatchObject({ state: 'pending_activation', monitoringMonths: 12 });
    expect(JSON.stringify(body)).not.toMatch(new RegExp(`${person.held.slice(4)}|${person.recycled.slice(4)}`));
    const [audit] = await accessRows('GET /people/:personId', since);
    expect(audit).toMatchObject({ outcome: 'ALLOWED', target_ids: { personId: person.personId } });
    expect(audit!.reason).toBe('caller says the SMS never came');
  });

  it('refuses the person view without a token or without a reason', async () => {
    const person = exposedPerson(owners);
    await http().get(`/people/${person.personId}`).expect(401);
    await http().get(`/people/${person.personId}`).set('authorization', `Bearer ${carol}`).expect(400);
  });

  it('lets a supervisor reveal a number the person still holds, with the reason logged; never an agent', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    const since = new Date();
    const path = `/people/${person.personId}/numbers/${person.subscriberId}/reveal`;
    await http().post(path).set('authorization', `Bearer ${carol}`).set('x-access-reason', 'curious').expect(403);
    const { body } = await http()
      .post(path)
      .set('authorization', `Bearer ${dave}`)
      .set('x-access-reason', 'caller cannot read their own number')
      .expect(200);
    expect(body).toEqual({ msisdn: person.held });
    const rows = await accessRows('POST /people/:personId/numbers/:subscriberId/reveal', since);
    expect(rows.map((row) => row.outcome)).toEqual(['DENIED', 'ALLOWED']);
    expect(rows[1]).toMatchObject({
      reason: 'caller cannot read their own number',
      target_ids: { personId: person.personId, subscriberId: person.subscriberId },
    });
  });

  it('shows supervisors the board with the unreachable person; agents may not see it', async () => {
    const person = exposedPerson(owners);
    await fed(kafka, db, person);
    // A care code delivered to them since says their phone works, not that the notice reached them.
    await kafka.send(Topics.notificationLog, [
      logEntry(person, LogEntryKind.STATUS_CHANGED, 'delivered', {
        subjectId: 'care-code',
        templateId: 'care-code.sms.ur',
        at: 4,
      }),
    ]);
    await waitFor(async () => {
      const { rows } = await db.query(
        `SELECT 1 FROM "care"."log_entries" WHERE "person_id" = $1 AND "template_id" = 'care-code.sms.ur'`,
        [person.personId],
      );
      return rows.length === 1;
    }, 'the care code delivery in the read model');
    await http().get(`/incidents/${person.incidentId}/board`).set('authorization', `Bearer ${carol}`).expect(403);
    const { body } = await http()
      .get(`/incidents/${person.incidentId}/board`)
      .set('authorization', `Bearer ${dave}`)
      .expect(200);
    expect(body.totals).toEqual({ affected: 1, notified: 0, unreachable: 1, pending: 0 });
    const csv = await http()
      .get(`/incidents/${person.incidentId}/board/unreachable.csv`)
      .set('authorization', `Bearer ${dave}`)
      .expect(200);
    // A cell starting with + would run as a spreadsheet formula: it is defused with a leading quote.
    expect(csv.text).toContain(`${person.personId},HIGH,'${maskMsisdn(person.held)}`);
  });

  it('dead-letters a malformed event with its reason, and keeps consuming', async () => {
    await kafka.send(Topics.notificationLog, [{ key: 'someone', value: Buffer.from('not protobuf \xff\xff') }]);
    const dead = await waitFor(
      () => kafka.messages(deadLetterTopic(GROUP)).find((message) => message.key === 'someone'),
      'the malformed entry on the dead-letter topic',
    );
    expect(dead.headers[FailureHeaders.errorCode]).toBe('MALFORMED_PAYLOAD');
    const person = exposedPerson(owners);
    await fed(kafka, db, person); // later events still arrive
  });
});
