import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import {
  EnrollmentCreatedSchema,
  ExposureChange,
  LineType,
  LogChannel,
  LogEntryKind,
  NotificationLogEntrySchema,
  PersonExposedSchema,
  PiiCategory,
  ProtectiveAction,
  RiskTier,
  Topics,
  encodeMessage,
} from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import { BlindIndexer, FieldCipher, maskMsisdn, parseKeyRing } from '@bnp/pii';
import {
  KafkaTestClient,
  TEST_DATABASE_URL,
  TEST_PII_KEYS,
  keycloakToken,
  startGroupAtEnd,
  testEnv,
  waitFor,
} from '@bnp/testing';
import { CARE_FEED_TOPICS, createCareApp } from './app';
import { loadCareConfig } from './config';

const GROUP = `care-api-it-${randomUUID().slice(0, 8)}`;
const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
const indexer = new BlindIndexer(Buffer.from(TEST_PII_KEYS.PII_BLIND_INDEX_KEY, 'base64'));

let counter = Math.floor(Math.random() * 9_000_000);
const newMsisdn = () => `+92321${String((counter = (counter + 7919) % 10_000_000)).padStart(7, '0')}`;
/** The national spelling an agent would type: 0321-1234567. */
const national = (e164: string) => `0${e164.slice(3, 6)}-${e164.slice(6)}`;

/**
 * The exposure service's directory lookup and the notifier's reference lookup, as their contracts say
 * (services/exposure/src/directory, services/notifier/src/notice/notice-reference.controller.ts; each has
 * its own spec): who holds a blind index today. It records what care sent, to prove no plain value travels.
 */
class OwnersContract {
  readonly holders = new Map<string, { personId: string; numbers: { subscriberId: string; msisdnMasked: string }[] }>();
  readonly received: { path: string; authorization: string; body: string }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '', body });
        if (req.url === '/directory/lookup') {
          const { blindIndex } = JSON.parse(body) as { blindIndex: string };
          const holder = this.holders.get(blindIndex);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ people: holder ? [{ ...holder, emailMasked: null, language: 'ur' }] : [] }));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('care-api', () => {
  const owners = new OwnersContract();
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;
  let carol: string;
  let dave: string;

  beforeAll(async () => {
    await owners.start();
    kafka = new KafkaTestClient();
    const config = loadCareConfig(
      testEnv({
        CARE_CONSUMER_GROUP: GROUP,
        CARE_RETRY_DELAYS_MS: '300',
        EXPOSURE_URL: owners.url,
        NOTIFIER_URL: owners.url,
      }),
    );
    await startGroupAtEnd(kafka.kafka, GROUP, CARE_FEED_TOPICS);
    ({ app } = await createCareApp(config, createLogger('care-api', config.LOG_LEVEL)));
    await app.startAllMicroservices();
    await app.init();
    await kafka.collect([deadLetterTopic(GROUP)]);
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    carol = (await keycloakToken({ username: 'carol' })).accessToken;
    dave = (await keycloakToken({ username: 'dave' })).accessToken;
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
    await owners.close();
  });

  /** A person exposed in a new incident, holding one number and formerly holding another (recycled since). */
  async function exposedPerson() {
    const personId = randomUUID();
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const held = newMsisdn();
    const recycled = newMsisdn();
    const subscriberId = `SUB-${randomUUID().slice(0, 8)}`;
    const event = create(PersonExposedSchema, {
      exposureId: randomUUID(),
      incidentId,
      revision: 1,
      personId,
      change: ExposureChange.NEW,
      categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
      newCategories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
      tier: RiskTier.HIGH,
      policyVersion: '2026-11-25.1',
      policyRule: 'identity-sim-or-financial',
      actions: [ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.FRAUD_MONITORING],
      subscriptions: [
        {
          subscriberId,
          stillHeld: true,
          lineType: LineType.CONSUMER,
          msisdnCiphertext: cipher.encrypt(held),
          msisdnMasked: maskMsisdn(held),
        },
        { subscriberId: `SUB-${randomUUID().slice(0, 8)}`, stillHeld: false, msisdnMasked: maskMsisdn(recycled) },
      ],
      language: 'ur',
      jurisdiction: 'PK',
      idempotencyKey: `${incidentId}:${personId}:1`,
      detectedAt: timestampFromDate(new Date()),
    });
    owners.holders.set(indexer.indexHex('msisdn', held), {
      personId,
      numbers: [{ subscriberId, msisdnMasked: maskMsisdn(held) }],
    });
    return { personId, incidentId, held, recycled, subscriberId, event };
  }

  const logEntry = (
    person: { personId: string; incidentId: string },
    kind: LogEntryKind,
    status: string,
    more: { errorCode?: string; subjectId?: string; channel?: LogChannel; at?: number } = {},
  ) => ({
    key: person.personId,
    value: Buffer.from(
      encodeMessage(NotificationLogEntrySchema, {
        entryId: randomUUID(),
        occurredAt: timestampFromDate(new Date(Date.now() + (more.at ?? 0))),
        source: 'notifier',
        incidentId: person.incidentId,
        revision: 1,
        personId: person.personId,
        subjectId: more.subjectId ?? 'notice-1',
        kind,
        channel: more.channel ?? LogChannel.SMS,
        status,
        templateId: 'breach.sms.ur',
        templateVersion: '4',
        recipientMasked: '+92 3** *** **11',
        errorCode: more.errorCode ?? '',
      }),
    ),
  });

  async function fed(person: Awaited<ReturnType<typeof exposedPerson>>) {
    const exposure = { key: person.personId, value: Buffer.from(encodeMessage(PersonExposedSchema, person.event)) };
    await kafka.send(Topics.exposure, [exposure, exposure]); // a redelivery changes nothing
    await kafka.send(Topics.notificationLog, [
      logEntry(person, LogEntryKind.NOTICE_QUEUED, 'queued', { at: 1 }),
      logEntry(person, LogEntryKind.STATUS_CHANGED, 'undelivered', { errorCode: '30003', at: 2 }),
      logEntry(person, LogEntryKind.UNREACHABLE, 'unreachable', { channel: LogChannel.UNSPECIFIED, at: 3 }),
    ]);
    await kafka.send(Topics.fraudEnrollments, [
      {
        key: person.personId,
        value: Buffer.from(
          encodeMessage(EnrollmentCreatedSchema, {
            enrollmentId: randomUUID(),
            incidentId: person.incidentId,
            personId: person.personId,
            exposureIdempotencyKey: person.event.idempotencyKey,
            monitoringMonths: 12,
            actions: [ProtectiveAction.SIM_SWAP_LOCK],
            protectedSubscriptions: 1,
          }),
        ),
      },
    ]);
    await waitFor(async () => {
      const { rows } = await db.query<{ n: number; e: number }>(
        `SELECT (SELECT count(*)::int FROM "care"."log_entries" WHERE "person_id" = $1) AS n,
                  (SELECT count(*)::int FROM "care"."enrollments" WHERE "person_id" = $1) AS e`,
        [person.personId],
      );
      return rows[0]!.n === 3 && rows[0]!.e === 1;
    }, 'the read model to hold the exposure, three log entries and the enrollment');
  }

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
    const person = await exposedPerson();
    await fed(person);
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
    const person = await exposedPerson();
    await fed(person);
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
    const person = await exposedPerson();
    await http().get(`/people/${person.personId}`).expect(401);
    await http().get(`/people/${person.personId}`).set('authorization', `Bearer ${carol}`).expect(400);
  });

  it('lets a supervisor reveal a number the person still holds, with the reason logged; never an agent', async () => {
    const person = await exposedPerson();
    await fed(person);
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
    const person = await exposedPerson();
    await fed(person);
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
    const person = await exposedPerson();
    await fed(person); // later events still arrive
  });
});
