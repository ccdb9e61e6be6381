import { randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { BreachReportedSchema, PiiCategory, Severity, Topics, type BreachReported } from '@bnp/contracts';
import { deadLetterTopic, retryTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import { KafkaTestClient, TEST_DATABASE_URL, TcpProxy, startGroupAtEnd, testEnv, waitFor } from '@bnp/testing';
import { createIntakeApp } from '../app';
import { loadIntakeConfig } from '../config';

const GROUP = `breach-intake-outage-${randomUUID().slice(0, 8)}`;
// The old design dead-lettered after the last retry tier: with these tiers that is 0.6 s into an outage.
const RETRY_DELAYS_MS = '200,400';
const OUTAGE_MS = 4000;
const EVENTS = 20;

const breachEvent = (): BreachReported =>
  create(BreachReportedSchema, {
    eventId: randomUUID(),
    incidentId: `INC-${randomUUID().slice(0, 8)}`,
    revision: 1,
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
    occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
    severity: Severity.HIGH,
    jurisdiction: 'PK',
    compromisedAssets: [
      { assetId: 'crm.subscribers', categories: [PiiCategory.NAME], scope: { kind: { case: 'all', value: {} } } },
    ],
    reporter: 'soc-siem',
  });

describe('breach-intake during a PostgreSQL outage', () => {
  const { proxy, url } = TcpProxy.forUrl(TEST_DATABASE_URL);
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;

  beforeAll(async () => {
    kafka = new KafkaTestClient();
    await startGroupAtEnd(kafka.kafka, GROUP, [Topics.breachEvents]);
    const port = await proxy.start();
    const config = loadIntakeConfig(
      testEnv({
        DATABASE_URL: url(port),
        INTAKE_CONSUMER_GROUP: GROUP,
        INTAKE_RETRY_DELAYS_MS: RETRY_DELAYS_MS,
        CONSUMER_OUTAGE_BACKOFF_INITIAL_MS: '200',
        CONSUMER_OUTAGE_BACKOFF_MAX_MS: '1000',
      }),
    );
    app = (await createIntakeApp(config, createLogger('breach-intake', 'silent'))).app;
    await app.startAllMicroservices();
    await app.init();
    await kafka.collect([deadLetterTopic(GROUP), retryTopic(GROUP, 1), retryTopic(GROUP, 2)]);
    db = new Client({ connectionString: TEST_DATABASE_URL }); // straight to the server, past the proxy
    await db.connect();
  });

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await app?.close();
    await proxy.stop();
    await kafka?.close();
    await db?.end();
  });

  const stored = async (events: BreachReported[]) =>
    (
      await db.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM intake.incident_revisions WHERE event_id = ANY($1)',
        [events.map((event) => event.eventId)],
      )
    ).rows[0]!.count;

  const outagesSeen = async () => {
    const metric = await app.get(Registry).getSingleMetric('bnp_kafka_messages_total')?.get();
    return (metric?.values ?? [])
      .filter((value) => value.labels['outcome'] === 'outage')
      .reduce((sum, value) => sum + value.value, 0);
  };

  const send = (events: BreachReported[]) =>
    kafka.send(
      Topics.breachEvents,
      events.map((event) => ({ key: event.incidentId, value: Buffer.from(toBinary(BreachReportedSchema, event)) })),
    );

  it('holds messages through an outage longer than the retry budget, then stores every one and dead-letters none', async () => {
    const before = breachEvent();
    await send([before]);
    await waitFor(async () => (await stored([before])) === 1, 'an event stored before the outage');

    await proxy.cut();
    const cutAt = Date.now();
    const during = Array.from({ length: EVENTS }, breachEvent);
    await send(during);
    await waitFor(async () => (await outagesSeen()) > 0, 'the consumer meeting the outage', {
      explain: async () => `stored ${await stored(during)} of ${EVENTS}`,
    });
    // Keep PostgreSQL away well past the old retry budget (0.6 s here, 71 s with the default tiers).
    await waitFor(() => Date.now() - cutAt >= OUTAGE_MS, `the outage lasting ${OUTAGE_MS} ms`, {
      timeoutMs: OUTAGE_MS + 1000,
    });
    expect(await stored(during)).toBe(0);
    await proxy.restore();

    await waitFor(async () => (await stored(during)) === EVENTS, `all ${EVENTS} events stored after the outage`, {
      timeoutMs: 30_000,
      explain: async () => `stored ${await stored(during)} of ${EVENTS}`,
    });
    expect(kafka.messages(deadLetterTopic(GROUP))).toHaveLength(0);
    expect(kafka.messages(retryTopic(GROUP, 1))).toHaveLength(0);
    expect(kafka.messages(retryTopic(GROUP, 2))).toHaveLength(0);
  });
});
