import { randomInt, randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { IncidentRevisionAcceptedSchema, PiiCategory, Region, Topics } from '@bnp/contracts';
import { createLogger } from '@bnp/observability';
import { KafkaTestClient, TEST_DATABASE_URL, startGroupAtEnd, testEnv, waitFor } from '@bnp/testing';
import { createExposureApp } from '../app';
import { loadExposureConfig } from '../config';
import { categoryMask } from '../policy/categories';
import { DirectoryFixture } from '../testing/directory-fixture';

const run = randomUUID().slice(0, 6);
const GROUP = `exposure-gate-it-${run}`;
const ASSET = `crm.gate-${run}`;
const REPORTER = `soc-siem-${run}`;
const OTHER_REPORTER = `soc-edr-${run}`;
const THRESHOLD = 10;
const INCIDENTS = 50;
const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');

describe('the release gate counting people per reporter over its window', () => {
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;
  const subscribers: string[] = [];

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const fixture = new DirectoryFixture(db);
    await fixture.asset(ASSET, categoryMask([PiiCategory.NAME, PiiCategory.MSISDN]));
    for (let n = 0; n <= INCIDENTS; n++) {
      const subscriberId = `G${n}-${run}`;
      await fixture.person({
        cnic: `${randomInt(1, 10)}${digits(4)}-${digits(7)}-${digits(1)}`,
        name: `Person ${n}`,
        subscribers: [{ subscriberId, msisdn: `0346${digits(7)}`, region: Region.PUNJAB }],
      });
      await fixture.holding(ASSET, subscriberId, Region.PUNJAB, '2019-01-01T00:00:00Z');
      subscribers.push(subscriberId);
    }
    kafka = new KafkaTestClient();
    await startGroupAtEnd(kafka.kafka, GROUP, [Topics.incidentRevisions, Topics.inventoryChanges]);
    const config = loadExposureConfig(
      testEnv({ GATE_MAX_PEOPLE_WITHOUT_APPROVAL: String(THRESHOLD), EXPOSURE_CONSUMER_GROUP: GROUP }),
    );
    ({ app } = await createExposureApp(config, createLogger('exposure', 'silent')));
    await app.startAllMicroservices();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
  });

  /** One incident of one person, as intake announces it. */
  const publish = (incidentId: string, subscriberId: string, reporter: string) =>
    kafka.send(Topics.incidentRevisions, [
      {
        key: incidentId,
        value: Buffer.from(
          toBinary(
            IncidentRevisionAcceptedSchema,
            create(IncidentRevisionAcceptedSchema, {
              incidentId,
              revision: 1,
              revisionId: randomUUID(),
              eventId: randomUUID(),
              detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
              occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
              jurisdiction: 'PK',
              reporter,
              assets: [
                { assetId: ASSET, categories: [], scope: { case: 'subscriberIds', value: { values: [subscriberId] } } },
              ],
            }),
          ),
        ),
      },
    ]);

  const revisions = async (reporter: string) =>
    (
      await db.query<{ status: string; held_reason: string | null; events: number; before: number }>(
        `SELECT status, held_reason, events, (summary->'gateWindow'->>'peopleBefore')::int AS before
         FROM exposure.revisions WHERE reporter = $1 ORDER BY computed_at, incident_id`,
        [reporter],
      )
    ).rows;

  it('releases a reporter’s small incidents until the window holds the threshold, then holds every further one', async () => {
    const incidents = subscribers
      .slice(0, INCIDENTS)
      .map((subscriberId, n) => ({ id: `INC-G${n}-${run}`, subscriberId }));
    for (const incident of incidents) await publish(incident.id, incident.subscriberId, REPORTER);

    const rows = await waitFor(
      async () => {
        const found = await revisions(REPORTER);
        return found.length === INCIDENTS && found;
      },
      `${INCIDENTS} revisions resolved`,
      { timeoutMs: 120_000, explain: async () => `${(await revisions(REPORTER)).length} resolved` },
    );
    expect(rows.every((row) => row.events === 1)).toBe(true);
    expect(rows.filter((row) => row.status === 'RELEASED')).toHaveLength(THRESHOLD);
    const held = rows.filter((row) => row.status === 'HELD');
    expect(held).toHaveLength(INCIDENTS - THRESHOLD);
    // Each is small; what holds it is the reporter's window, which the approval summary shows.
    expect(held[0]!.held_reason).toBe(
      `1 people to notify bring the reporter to ${THRESHOLD + 1} in the gate window, over the threshold of ${THRESHOLD}`,
    );
    expect(rows.map((row) => row.before)).toEqual(Array.from({ length: INCIDENTS }, (_, n) => n));

    // Another reporter's window is its own.
    const other = { id: `INC-O-${run}`, subscriberId: subscribers[INCIDENTS]! };
    await publish(other.id, other.subscriberId, OTHER_REPORTER);
    const [otherRow] = await waitFor(async () => {
      const found = await revisions(OTHER_REPORTER);
      return found.length === 1 && found;
    }, 'the other reporter’s revision resolved');
    expect(otherRow!.status).toBe('RELEASED');
  });
});
