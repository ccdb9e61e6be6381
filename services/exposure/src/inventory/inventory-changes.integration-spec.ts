import { randomInt, randomUUID } from 'node:crypto';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import pino from 'pino';
import {
  AccountStatus as ProtoAccountStatus,
  ClosureReason,
  IncidentRevisionAcceptedSchema,
  InventoryChangedSchema,
  LineType,
  PersonExposedSchema,
  PiiCategory,
  Region,
  Topics,
  decodeBinary,
  type PersonExposed,
} from '@bnp/contracts';
import { FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { BlindIndexer, FieldCipher, normalizeMsisdn, parseKeyRing } from '@bnp/pii';
import { KafkaTestClient, startGroupAtEnd, TEST_DATABASE_URL, TEST_PII_KEYS, testEnv, waitFor } from '@bnp/testing';
import { createExposureApp } from '../app';
import { loadExposureConfig } from '../config';
import { AccountStatus } from '../directory/directory.enums';

const run = randomUUID().slice(0, 6);
const id = (name: string) => `${name}-${run}`;
// A group of its own per run, started at the topics' end: other runs' changes are not ours to apply.
const GROUP = `exposure-inventory-it-${run}`;
const DLT = deadLetterTopic(GROUP);
const C = PiiCategory;

// Numbers and CNICs of this run only: the directory's current-holder index spans every suite sharing the database.
const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');
/** Every identifier the run made up, as sent and as stored: none may reach a log line or a dead-letter reason. */
const identifiers: string[] = [];
const remember = (value: string, ...forms: string[]) => (identifiers.push(value, ...forms), value);
const newMsisdn = () => {
  const subscriber = digits(7);
  return remember(`0345-${subscriber}`, `345${subscriber}`);
};
const newCnic = () => {
  const cnic = `${randomInt(1, 10)}${digits(4)}-${digits(7)}-${digits(1)}`;
  return remember(cnic, cnic.replace(/-/g, ''));
};

type ChangeInit = MessageInitShape<typeof InventoryChangedSchema>['change'];
type RevisionInit = Omit<MessageInitShape<typeof IncidentRevisionAcceptedSchema>, '$typeName'>;
type SubscriberInit = {
  subscriberId: string;
  cnic: string;
  name: string;
  msisdn: string;
  email?: string;
  language?: string;
  region?: Region;
};

// Changes happened in the last hour, one second apart in the order the test makes them up.
const base = Date.now() - 3_600_000;
let clock = 0;
const at = () => base + ++clock * 1000;

describe('exposure consuming inventory.changes.v1 on the real PostgreSQL and Kafka', () => {
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;
  const logLines: string[] = [];
  const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
  const indexer = new BlindIndexer(Buffer.from(TEST_PII_KEYS.PII_BLIND_INDEX_KEY, 'base64'));
  const CRM = id('crm.subscribers');

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    kafka = new KafkaTestClient();
    await startGroupAtEnd(kafka.kafka, GROUP, [Topics.incidentRevisions, Topics.inventoryChanges]);
    const config = loadExposureConfig(
      testEnv({ EXPOSURE_RETRY_DELAYS_MS: '500,1000,2000', EXPOSURE_CONSUMER_GROUP: GROUP }),
    );
    // Every log line is kept, unredacted by pino, to check that the service itself never writes personal data.
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    ({ app } = await createExposureApp(config, logger));
    await app.startAllMicroservices();
    await app.init();
    await kafka.collect([Topics.exposure, DLT]);
    await applied(
      await change(CRM, {
        case: 'assetUpserted',
        value: { assetId: CRM, owningSystem: 'crm', categories: [C.NAME, C.CNIC, C.MSISDN, C.POSTAL_ADDRESS] },
      }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
  });

  /** Sends one change; returns its event id. */
  async function change(
    key: string | null,
    init: ChangeInit,
    { eventId = randomUUID(), occurredAt = at() }: { eventId?: string; occurredAt?: number } = {},
  ): Promise<string> {
    const value = Buffer.from(
      toBinary(
        InventoryChangedSchema,
        create(InventoryChangedSchema, {
          eventId,
          occurredAt: timestampFromMs(occurredAt),
          source: 'it',
          change: init,
        }),
      ),
    );
    await kafka.send(Topics.inventoryChanges, [{ key, value }]);
    return eventId;
  }

  const upsert = (subscriber: SubscriberInit, options?: { eventId?: string; occurredAt?: number }) =>
    change(
      subscriber.subscriberId,
      {
        case: 'subscriberUpserted',
        value: {
          language: 'ur',
          region: Region.PUNJAB,
          lineType: LineType.CONSUMER,
          accountStatus: ProtoAccountStatus.ACTIVE,
          ...subscriber,
        },
      },
      options,
    );

  const holding = (subscriberId: string, assetId = CRM, region = Region.PUNJAB) =>
    change(subscriberId, {
      case: 'holdingUpserted',
      value: { subscriberId, assetId, region, recordsFrom: timestampFromDate(new Date('2020-01-01T00:00:00Z')) },
    });

  /** Resolves once the change with this event id is the stored version of what it names (and maybe of its person). */
  const applied = (eventId: string) =>
    waitFor(
      async () =>
        ((await db.query('SELECT 1 FROM exposure.inventory_versions WHERE event_id = $1', [eventId])).rowCount ?? 0) >
        0,
      `change ${eventId} applied`,
    );

  const subscriberRow = async (subscriberId: string) =>
    (
      await db.query<{
        person_id: string;
        msisdn_enc: Buffer;
        msisdn_bidx: Buffer;
        msisdn_masked: string;
        region: number;
        account_status: number;
        updated_at: Date;
      }>('SELECT * FROM exposure.subscribers WHERE subscriber_id = $1', [subscriberId])
    ).rows[0];

  const personRow = async (personId: string) =>
    (
      await db.query<{
        cnic_bidx: Buffer;
        cnic_enc: Buffer;
        name_enc: Buffer;
        email_enc: Buffer | null;
        email_masked: string | null;
        language: string;
        updated_at: Date;
      }>('SELECT * FROM exposure.persons WHERE person_id = $1', [personId])
    ).rows[0];

  const nameOf = async (subscriberId: string) =>
    cipher.decrypt((await personRow((await subscriberRow(subscriberId))!.person_id))!.name_enc);

  const deadLetters = (key: string) => kafka.messages(DLT).filter((message) => message.key === key);

  const publishRevision = (init: RevisionInit) =>
    kafka.send(Topics.incidentRevisions, [
      {
        key: init.incidentId ?? null,
        value: Buffer.from(
          toBinary(
            IncidentRevisionAcceptedSchema,
            create(IncidentRevisionAcceptedSchema, {
              revisionId: randomUUID(),
              eventId: randomUUID(),
              detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
              occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
              jurisdiction: 'PK',
              ...init,
            }),
          ),
        ),
      },
    ]);

  const exposuresOf = (incidentId: string): PersonExposed[] =>
    kafka
      .messages(Topics.exposure)
      .map((message) => decodeBinary(PersonExposedSchema, message.value!))
      .filter((event) => event.incidentId === incidentId);

  it('stores a subscriber encrypted and blind-indexed, and its holding takes part in the next breach', async () => {
    const ayesha = { subscriberId: id('S-ayesha'), cnic: newCnic(), name: 'Ayesha Siddiqui', msisdn: newMsisdn() };
    await upsert({ ...ayesha, email: 'Ayesha.S@Example.PK' });
    await applied(await holding(ayesha.subscriberId));

    const msisdn = normalizeMsisdn(ayesha.msisdn);
    const found = await db.query<{ subscriber_id: string; person_id: string }>(
      `SELECT s.subscriber_id, s.person_id FROM exposure.subscribers s JOIN exposure.persons p USING (person_id)
       WHERE s.msisdn_bidx = $1 AND p.cnic_bidx = $2`,
      [indexer.index('msisdn', msisdn), indexer.index('cnic', ayesha.cnic.replace(/-/g, ''))],
    );
    expect(found.rows).toEqual([{ subscriber_id: ayesha.subscriberId, person_id: expect.any(String) }]);
    const subscriber = (await subscriberRow(ayesha.subscriberId))!;
    const person = (await personRow(subscriber.person_id))!;
    expect(cipher.decrypt(subscriber.msisdn_enc)).toBe(msisdn);
    expect(subscriber.msisdn_masked).not.toContain(msisdn.slice(-7));
    expect(cipher.decrypt(person.cnic_enc)).toBe(ayesha.cnic.replace(/-/g, ''));
    expect(cipher.decrypt(person.name_enc)).toBe('Ayesha Siddiqui');
    expect(cipher.decrypt(person.email_enc!)).toBe('ayesha.s@example.pk');
    expect(person.language).toBe('ur');
    // Nothing is stored in plain text.
    const raw = JSON.stringify({ subscriber, person });
    for (const secret of [msisdn.slice(3), ayesha.cnic.replace(/-/g, ''), 'Ayesha', 'example.pk']) {
      expect(raw).not.toContain(secret);
    }

    const incidentId = id('INC-crm');
    await publishRevision({
      incidentId,
      revision: 1,
      assets: [
        {
          assetId: CRM,
          categories: [C.NAME, C.MSISDN],
          scope: { case: 'msisdnBlindIndexes', value: { values: [indexer.index('msisdn', msisdn)] } },
        },
      ],
    });
    const [exposed] = await waitFor(() => exposuresOf(incidentId).length === 1 && exposuresOf(incidentId), 'exposure');
    expect(exposed!.personId).toBe(subscriber.person_id);
    expect(exposed!.categories.map((category) => C[category]).sort()).toEqual(['MSISDN', 'NAME']);
    expect(exposed!.language).toBe('ur');
    expect(exposed!.subscriptions).toEqual([
      expect.objectContaining({ subscriberId: ayesha.subscriberId, stillHeld: true }),
    ]);
    expect(cipher.decrypt(Buffer.from(exposed!.subscriptions[0]!.msisdnCiphertext))).toBe(msisdn);
    expect(cipher.decrypt(Buffer.from(exposed!.emailCiphertext))).toBe('ayesha.s@example.pk');
  });

  it('reports a reassigned number as no longer held by its former holder, in whichever order the changes arrive', async () => {
    const number = newMsisdn();
    const bilal = { subscriberId: id('S-bilal'), cnic: newCnic(), name: 'Bilal Ahmed', msisdn: number };
    const danish = { subscriberId: id('S-danish'), cnic: newCnic(), name: 'Danish Khan', msisdn: number };
    await upsert(bilal);
    await applied(await holding(bilal.subscriberId));

    // The new holder's subscription may come first: it waits in the retry tiers until the number is released.
    const danishJoined = await upsert(danish);
    const bilalLeft = await change(bilal.subscriberId, {
      case: 'subscriberClosed',
      value: { subscriberId: bilal.subscriberId, reason: ClosureReason.MSISDN_REASSIGNED },
    });
    await applied(bilalLeft);
    await applied(danishJoined);
    await applied(await holding(danish.subscriberId));
    expect((await subscriberRow(bilal.subscriberId))!.account_status).toBe(AccountStatus.Former);
    expect((await subscriberRow(danish.subscriberId))!.account_status).toBe(AccountStatus.Active);

    const incidentId = id('INC-recycled');
    await publishRevision({
      incidentId,
      revision: 1,
      assets: [
        {
          assetId: CRM,
          categories: [C.MSISDN],
          scope: { case: 'msisdnBlindIndexes', value: { values: [indexer.index('msisdn', normalizeMsisdn(number))] } },
        },
      ],
    });
    const events = await waitFor(() => exposuresOf(incidentId).length === 2 && exposuresOf(incidentId), 'two people');
    const subscriptions = Object.fromEntries(
      events.flatMap((event) => event.subscriptions).map((s) => [s.subscriberId, s] as const),
    );
    expect(subscriptions[bilal.subscriberId]).toMatchObject({ stillHeld: false, msisdnCiphertext: new Uint8Array() });
    expect(subscriptions[danish.subscriberId]).toMatchObject({ stillHeld: true });
  });

  it('changes nothing when a change is delivered again', async () => {
    const sana = { subscriberId: id('S-sana'), cnic: newCnic(), name: 'Sana Baloch', msisdn: newMsisdn() };
    const occurredAt = at();
    const first = await upsert(sana, { occurredAt });
    await applied(first);
    const before = await db.query(
      `SELECT s.*, p.* FROM exposure.subscribers s JOIN exposure.persons p USING (person_id) WHERE subscriber_id = $1`,
      [sana.subscriberId],
    );
    await new Promise((resolve) => setTimeout(resolve, 20)); // so a rewrite would show in updated_at

    await upsert(sana, { eventId: first, occurredAt }); // the same event, redelivered
    await applied(await holding(sana.subscriberId)); // same key, same partition: processed after the copy
    const after = await db.query(
      `SELECT s.*, p.* FROM exposure.subscribers s JOIN exposure.persons p USING (person_id) WHERE subscriber_id = $1`,
      [sana.subscriberId],
    );
    expect(after.rows).toEqual(before.rows);
    expect(deadLetters(sana.subscriberId)).toEqual([]);
  });

  it('does not let an older change overwrite a newer one, for a subscription or for its person', async () => {
    const cnic = newCnic();
    const omar = { subscriberId: id('S-omar'), cnic, name: 'Omar Farooq', msisdn: newMsisdn(), region: Region.SINDH };
    const olderAt = at();
    const newerAt = at();
    await applied(await upsert({ ...omar, name: 'Omar Farooq Khan' }, { occurredAt: newerAt }));
    // Overtaken on the way (a retry, another producer): older, with another number, region and name.
    const older = await upsert({ ...omar, msisdn: newMsisdn(), region: Region.PUNJAB }, { occurredAt: olderAt });
    // Omar's second SIM, first seen now but changed before the rename: the subscription is new, the name is old.
    const second = { subscriberId: id('S-omar-2'), cnic, name: 'Omar F.', msisdn: newMsisdn() };
    await applied(await upsert(second, { occurredAt: olderAt }));
    await applied(await holding(omar.subscriberId)); // after the older change, on the same partition

    expect(deadLetters(omar.subscriberId)).toEqual([]);
    expect((await db.query('SELECT 1 FROM exposure.inventory_versions WHERE event_id = $1', [older])).rowCount).toBe(0);
    const stored = (await subscriberRow(omar.subscriberId))!;
    expect(cipher.decrypt(stored.msisdn_enc)).toBe(normalizeMsisdn(omar.msisdn));
    expect(stored.region).toBe(Region.SINDH);
    expect(await nameOf(omar.subscriberId)).toBe('Omar Farooq Khan');
    const secondRow = (await subscriberRow(second.subscriberId))!;
    expect(secondRow.person_id).toBe(stored.person_id);
    expect(cipher.decrypt(secondRow.msisdn_enc)).toBe(normalizeMsisdn(second.msisdn));
  });

  it('does not let an older upsert bring back a removed holding', async () => {
    const hina = { subscriberId: id('S-hina'), cnic: newCnic(), name: 'Hina Javed', msisdn: newMsisdn() };
    await applied(await upsert(hina));
    const addedAt = at();
    await applied(
      await change(hina.subscriberId, {
        case: 'holdingRemoved',
        value: { subscriberId: hina.subscriberId, assetId: CRM },
      }),
    );
    await change(
      hina.subscriberId,
      {
        case: 'holdingUpserted',
        value: {
          subscriberId: hina.subscriberId,
          assetId: CRM,
          region: Region.PUNJAB,
          recordsFrom: timestampFromDate(new Date('2020-01-01T00:00:00Z')),
        },
      },
      { occurredAt: addedAt },
    );
    await applied(await upsert({ ...hina, name: 'Hina J.' })); // marker, same partition
    const holdings = await db.query('SELECT 1 FROM exposure.holdings WHERE subscriber_id = $1', [hina.subscriberId]);
    expect(holdings.rowCount).toBe(0);
  });

  it('dead-letters malformed changes with their reason, without personal data, and goes on', async () => {
    const key = id('S-faisal');
    await kafka.send(Topics.inventoryChanges, [{ key, value: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x01]) }]);
    const badMsisdn = remember('0300-12345', '030012345');
    await upsert({ subscriberId: key, cnic: newCnic(), name: 'Faisal Iqbal', msisdn: badMsisdn });
    const badCnic = remember('35201-777777-1', '352017777771');
    await upsert({ subscriberId: key, cnic: badCnic, name: 'Faisal Iqbal', msisdn: newMsisdn() });
    const faisal = { subscriberId: key, cnic: newCnic(), name: 'Faisal Iqbal', msisdn: newMsisdn() };
    await applied(await upsert(faisal));
    // A holding in an asset the inventory does not know: retried (the asset may be on its way), then dead-lettered.
    await holding(key, id('unknown.asset'));
    await applied(await holding(key)); // the partition does not wait for the retries

    const dead = await waitFor(() => deadLetters(key).length === 4 && deadLetters(key), 'four dead letters', {
      timeoutMs: 30000,
    });
    expect(dead.map((message) => message.headers[FailureHeaders.errorCode])).toEqual([
      'MALFORMED_CHANGE',
      'INVALID_MSISDN',
      'INVALID_CNIC',
      'UNKNOWN_ASSET',
    ]);
    expect(dead.map((message) => message.headers[FailureHeaders.attempt])).toEqual(['0', '0', '0', '3']);
    expect(dead[1]!.headers[FailureHeaders.errorReason]).toMatch(/subscriber_upserted\.msisdn/);
    expect(dead[3]!.headers[FailureHeaders.errorReason]).toMatch(/not in the inventory/);
    const reasons = dead.map((message) => message.headers[FailureHeaders.errorReason]).join('\n');
    for (const value of [...identifiers, 'Faisal']) expect(reasons).not.toContain(value);
    expect(await nameOf(key)).toBe('Faisal Iqbal');
    expect((await db.query('SELECT 1 FROM exposure.holdings WHERE subscriber_id = $1', [key])).rowCount).toBe(1);
  });

  it('never writes a CNIC, MSISDN, name or email to its logs', () => {
    const logs = logLines.join('');
    expect(logs).toContain('inventory change');
    expect(logs).toContain('message dead-lettered');
    for (const value of [...identifiers, 'Ayesha', 'Bilal', 'Danish', 'Sana', 'Omar', 'Hina', 'Faisal', 'example.pk']) {
      expect(logs).not.toContain(value);
    }
  });
});
