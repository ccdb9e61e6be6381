import { randomUUID } from 'node:crypto';
import { create, toBinary, toJson, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import {
  AttackVector,
  BreachReportedSchema,
  IncidentRevisionAcceptedSchema,
  PiiCategory,
  Region,
  Severity,
  Topics,
  decodeBinary,
  type BreachReported,
} from '@bnp/contracts';
import { DeadLetterSeal, FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { createLogger } from '@bnp/observability';
import {
  KafkaTestClient,
  TEST_DATABASE_URL,
  TEST_PII_KEYS,
  keycloakToken,
  startGroupAtEnd,
  testEnv,
  waitFor,
} from '@bnp/testing';
import { createIntakeApp } from '../app';
import { loadIntakeConfig } from '../config';

// A group of its own: another run on the same broker (a developer's stack, CI) must not share partitions.
const GROUP = `breach-intake-it-${randomUUID().slice(0, 8)}`;
const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));

function breachEvent(overrides: Omit<MessageInitShape<typeof BreachReportedSchema>, '$typeName'> = {}): BreachReported {
  return create(BreachReportedSchema, {
    eventId: randomUUID(),
    incidentId: `INC-${randomUUID().slice(0, 8)}`,
    revision: 1,
    reportedAt: timestampFromDate(new Date('2026-03-05T10:00:00Z')),
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
    occurredFrom: timestampFromDate(new Date('2026-03-01T00:00:00Z')),
    occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
    attackVectors: [AttackVector.PHISHING, AttackVector.DDOS],
    severity: Severity.CRITICAL,
    summary: 'Employee accounts phished; CRM export taken during a DDoS.',
    jurisdiction: 'PK',
    compromisedAssets: [
      {
        assetId: 'crm.subscribers',
        categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
        scope: { kind: { case: 'regions', value: { regions: [Region.PUNJAB, Region.SINDH] } } },
      },
    ],
    reporter: 'soc-siem',
    ...overrides,
  });
}

/** A real Keycloak user's bearer token (docs/identity.md): every non-public route needs one. */
const bearer = async (username: string) => `Bearer ${(await keycloakToken({ username })).accessToken}`;

describe('breach-intake consuming breach.events.v1', () => {
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;

  beforeAll(async () => {
    kafka = new KafkaTestClient();
    await startGroupAtEnd(kafka.kafka, GROUP, [Topics.breachEvents]);
    const config = loadIntakeConfig(testEnv({ INTAKE_RETRY_DELAYS_MS: '200,400', INTAKE_CONSUMER_GROUP: GROUP }));
    const intake = await createIntakeApp(config, createLogger('breach-intake', 'silent'));
    app = intake.app;
    await app.startAllMicroservices();
    await app.init();
    await kafka.collect([Topics.incidentRevisions, deadLetterTopic(GROUP)]);
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
  });

  const send = (event: BreachReported, key: string | null = event.incidentId) =>
    kafka.send(Topics.breachEvents, [{ key, value: Buffer.from(toBinary(BreachReportedSchema, event)) }]);

  const revisionsOf = async (incidentId: string) =>
    (
      await db.query<{ revision: number; status: string; event_id: string; source_format: string }>(
        'SELECT revision, status, event_id, source_format FROM intake.incident_revisions WHERE incident_id = $1 ORDER BY revision',
        [incidentId],
      )
    ).rows;

  const currentRevision = async (incidentId: string) =>
    (
      await db.query<{ current_revision: number }>(
        'SELECT current_revision FROM intake.incidents WHERE incident_id = $1',
        [incidentId],
      )
    ).rows[0]?.current_revision;

  const announced = (incidentId: string) =>
    kafka
      .messages(Topics.incidentRevisions)
      .filter((message) => message.key === incidentId)
      .map((message) => decodeBinary(IncidentRevisionAcceptedSchema, message.value!));

  const deadLetters = (incidentId: string) =>
    kafka.messages(deadLetterTopic(GROUP)).filter((message) => message.key === incidentId);

  it('stores a protobuf revision and announces it downstream without plain MSISDNs', async () => {
    const event = breachEvent({
      compromisedAssets: [
        {
          assetId: 'billing.payment_methods',
          categories: [PiiCategory.PAYMENT_CARD],
          scope: { kind: { case: 'msisdns', value: { msisdns: ['0300-1234567', '+92 301 7654321'] } } },
        },
      ],
    });
    await send(event);

    await waitFor(async () => (await currentRevision(event.incidentId)) === 1, 'revision stored');
    const announcements = await waitFor(
      () => announced(event.incidentId).length === 1 && announced(event.incidentId),
      'announcement',
    );
    expect(await revisionsOf(event.incidentId)).toEqual([
      { revision: 1, status: 'APPLIED', event_id: event.eventId, source_format: 'protobuf' },
    ]);
    const scope = announcements[0]!.assets[0]!.scope;
    expect(scope.case).toBe('msisdnBlindIndexes');
    expect(scope.case === 'msisdnBlindIndexes' && scope.value.values).toHaveLength(2);
    const stored = await db.query<{ assets: string }>(
      'SELECT assets::text FROM intake.incident_revisions WHERE incident_id = $1',
      [event.incidentId],
    );
    expect(stored.rows[0]!.assets).not.toMatch(/1234567|7654321/);
  });

  it('stores the same event sent twice once', async () => {
    const event = breachEvent();
    await send(event);
    await send(event);
    const marker = breachEvent({ incidentId: event.incidentId, revision: 2 });
    await send(marker); // processed after both copies: same partition
    await waitFor(async () => (await currentRevision(event.incidentId)) === 2, 'revision 2');
    expect((await revisionsOf(event.incidentId)).map((row) => row.revision)).toEqual([1, 2]);
    await waitFor(() => announced(event.incidentId).length === 2, 'two announcements');
    expect(announced(event.incidentId).map((message) => message.revision)).toEqual([1, 2]);
  });

  it('stores a CloudEvents JSON event the same way, binary and structured mode', async () => {
    const binary = breachEvent();
    await kafka.send(Topics.breachEvents, [
      {
        key: binary.incidentId,
        value: JSON.stringify(toJson(BreachReportedSchema, binary)),
        headers: {
          ce_specversion: '1.0',
          ce_id: binary.eventId,
          ce_type: 'breach.v1.BreachReported',
          ce_source: '//soc.operator.pk/siem',
          'content-type': 'application/json',
        },
      },
    ]);
    const structured = breachEvent({ eventId: '' });
    const cloudEventId = randomUUID();
    await kafka.send(Topics.breachEvents, [
      {
        key: structured.incidentId,
        value: JSON.stringify({
          specversion: '1.0',
          id: cloudEventId,
          type: 'breach.v1.BreachReported',
          source: '//soc.operator.pk/siem',
          datacontenttype: 'application/json',
          data: toJson(BreachReportedSchema, structured),
        }),
        headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      },
    ]);

    await waitFor(async () => (await currentRevision(binary.incidentId)) === 1, 'binary-mode event stored');
    await waitFor(async () => (await currentRevision(structured.incidentId)) === 1, 'structured-mode event stored');
    expect((await revisionsOf(binary.incidentId))[0]).toMatchObject({
      event_id: binary.eventId,
      source_format: 'cloudevents-binary-json',
    });
    expect((await revisionsOf(structured.incidentId))[0]).toMatchObject({
      event_id: cloudEventId,
      source_format: 'cloudevents-structured',
    });
  });

  it('dead-letters a malformed payload with its reason and goes on with the next message', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    await kafka.send(Topics.breachEvents, [
      { key: incidentId, value: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x01, 0x02]) },
    ]);
    const next = breachEvent({ incidentId });
    await send(next);

    const [dead] = await waitFor(() => deadLetters(incidentId).length > 0 && deadLetters(incidentId), 'dead letter');
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('MALFORMED_PAYLOAD');
    expect(dead!.headers[FailureHeaders.errorReason]).toMatch(/BreachReported/);
    expect(dead!.headers[FailureHeaders.originalTopic]).toBe(Topics.breachEvents);
    // Sealed with intake's field key; only this group's consumer opens it (ADR 0015).
    expect(dead!.value).not.toEqual(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x01, 0x02]));
    expect(new DeadLetterSeal(cipher, GROUP).open(dead!.value, dead!.headers)).toEqual(
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x01, 0x02]),
    );
    await waitFor(async () => (await currentRevision(incidentId)) === 1, 'the next message stored');
  });

  it('dead-letters category 47 with its reason instead of reading it as CREDENTIALS (1 << 47 wraps to bit 15)', async () => {
    const event = breachEvent({
      compromisedAssets: [{ assetId: 'crm.subscribers', categories: [PiiCategory.NAME, 47 as PiiCategory] }],
    });
    const next = breachEvent({ incidentId: event.incidentId, eventId: randomUUID() });
    await send(event);
    await send(next);

    const [dead] = await waitFor(
      () => deadLetters(event.incidentId).length > 0 && deadLetters(event.incidentId),
      'dead letter',
    );
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('MALFORMED_PAYLOAD');
    expect(dead!.headers[FailureHeaders.errorReason]).toContain(
      'compromised_assets[0].categories[1] = 47 is not a value of breach.v1.PiiCategory',
    );
    await waitFor(async () => (await currentRevision(event.incidentId)) === 1, 'the next message stored');
    expect((await revisionsOf(event.incidentId)).map((row) => row.event_id)).toEqual([next.eventId]);
  });

  it('dead-letters an event whose MSISDN list has a bad number, without the number in the reason', async () => {
    const event = breachEvent({
      compromisedAssets: [
        {
          assetId: 'crm.subscribers',
          categories: [],
          scope: { kind: { case: 'msisdns', value: { msisdns: ['0300-1234567', '042-35761234'] } } },
        },
      ],
    });
    await send(event);
    const [dead] = await waitFor(
      () => deadLetters(event.incidentId).length > 0 && deadLetters(event.incidentId),
      'dead letter',
    );
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('INVALID_FIELD');
    expect(dead!.headers[FailureHeaders.errorReason]).toContain('msisdns[1]');
    expect(dead!.headers[FailureHeaders.errorReason]).not.toContain('35761234');
    expect(await revisionsOf(event.incidentId)).toEqual([]);
  });

  it('keeps an older revision arriving after a newer one as history, changing nothing', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    await send(breachEvent({ incidentId, revision: 2 }));
    await waitFor(async () => (await currentRevision(incidentId)) === 2, 'revision 2');
    await send(breachEvent({ incidentId, revision: 1 }));
    await waitFor(async () => (await revisionsOf(incidentId)).length === 2, 'revision 1 kept');

    expect(await currentRevision(incidentId)).toBe(2);
    expect((await revisionsOf(incidentId)).map((row) => [row.revision, row.status])).toEqual([
      [1, 'STALE'],
      [2, 'APPLIED'],
    ]);
    expect(announced(incidentId).map((message) => message.revision)).toEqual([2]);
  });

  it('dead-letters a different event under an existing revision number', async () => {
    const first = breachEvent();
    await send(first);
    await waitFor(async () => (await currentRevision(first.incidentId)) === 1, 'revision 1');
    const conflicting = breachEvent({ incidentId: first.incidentId, revision: 1, summary: 'A different story.' });
    await send(conflicting);

    const [dead] = await waitFor(
      () => deadLetters(first.incidentId).length > 0 && deadLetters(first.incidentId),
      'dead letter',
    );
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('REVISION_CONFLICT');
    expect((await revisionsOf(first.incidentId)).map((row) => row.event_id)).toEqual([first.eventId]);
  });

  it('dead-letters an event whose Kafka key is not its incident id', async () => {
    const event = breachEvent();
    await send(event, 'some-other-key');
    await waitFor(
      () => kafka.messages(deadLetterTopic(GROUP)).some((message) => message.key === 'some-other-key'),
      'dead letter for the wrong key',
    );
    expect(await revisionsOf(event.incidentId)).toEqual([]);
  });

  it('serves the incident and its revision history over HTTP', async () => {
    const event = breachEvent();
    await send(event);
    await waitFor(async () => (await currentRevision(event.incidentId)) === 1, 'revision 1');
    const response = await request(app.getHttpServer())
      .get(`/incidents/${event.incidentId}`)
      .set('authorization', await bearer('grace'))
      .expect(200);
    expect(response.body).toMatchObject({
      incidentId: event.incidentId,
      currentRevision: 1,
      revisions: [{ revision: 1, status: 'APPLIED' }],
    });
    await request(app.getHttpServer()).get('/incidents/nope').expect(401);
    await request(app.getHttpServer())
      .get('/incidents/nope')
      .set('authorization', await bearer('grace'))
      .expect(404);
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.checks).toEqual({ postgres: 'up', kafka: 'up' });
  });
});
