import { randomUUID } from 'node:crypto';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import {
  ControlAction,
  ExposureChange,
  IncidentControlSchema,
  IncidentRevisionAcceptedSchema,
  PersonExposedSchema,
  PiiCategory,
  ProtectiveAction,
  Region,
  RiskTier,
  Topics,
  decodeBinary,
  type PersonExposed,
} from '@bnp/contracts';
import { createLogger } from '@bnp/observability';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import {
  KafkaTestClient,
  TEST_DATABASE_URL,
  TEST_PII_KEYS,
  keycloakToken,
  startGroupAtEnd,
  testEnv,
  waitFor,
  waitForConsumed,
} from '@bnp/testing';
import { createExposureApp } from '../app';
import { loadExposureConfig } from '../config';
import { AccountStatus } from '../directory/directory.enums';
import { categoryMask } from '../policy/categories';
import { DirectoryFixture } from '../testing/directory-fixture';

const run = randomUUID().slice(0, 6);
const id = (name: string) => `${name}-${run}`;
/** A privacy officer signed in through Keycloak; `totp` adds the one-time code (the gate needs it to approve). */
const officer = async (username: 'alice' | 'bob', totp = true) =>
  `Bearer ${(await keycloakToken({ username, totp })).accessToken}`;
const C = PiiCategory;

const CRM = id('crm.subscribers');
const BILLING = id('billing.payment_methods');
const CDR = id('cdr.voice_2023q1');

type RevisionInit = Omit<MessageInitShape<typeof IncidentRevisionAcceptedSchema>, '$typeName'>;

describe('exposure resolution on the real PostgreSQL and Kafka', () => {
  let kafka: KafkaTestClient;
  let app: INestApplication;
  let db: Client;
  let fixture: DirectoryFixture;
  const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
  const people: Record<string, string> = {};

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    fixture = new DirectoryFixture(db);
    // Ayesha has two SIMs in two regions; Bilal's old number was recycled to Danish; Omar is a former customer.
    people.ayesha = await fixture.person({
      cnic: '35202-1111111-2',
      name: 'Ayesha Siddiqui',
      email: 'ayesha@example.pk',
      language: 'ur',
      subscribers: [
        // Out of order, so the directory's order is not the order events list them in.
        { subscriberId: id('S2'), msisdn: '0301-2222222', region: Region.SINDH },
        { subscriberId: id('S1'), msisdn: '0300-1111111', region: Region.PUNJAB },
      ],
    });
    people.bilal = await fixture.person({
      cnic: '42101-3333333-3',
      name: 'Bilal Ahmed',
      subscribers: [
        { subscriberId: id('S3'), msisdn: '0302-3333333', region: Region.SINDH, status: AccountStatus.Former },
      ],
    });
    people.danish = await fixture.person({
      cnic: '17301-4444444-5',
      name: 'Danish Khan',
      subscribers: [{ subscriberId: id('S4'), msisdn: '0302-3333333', region: Region.KHYBER_PAKHTUNKHWA }],
    });
    people.omar = await fixture.person({
      cnic: '61101-5555555-7',
      name: 'Omar Farooq',
      email: 'omar@example.pk',
      subscribers: [
        { subscriberId: id('S5'), msisdn: '0333-5555555', region: Region.ISLAMABAD, status: AccountStatus.Former },
      ],
    });
    people.sana = await fixture.person({
      cnic: '54400-6666666-8',
      name: 'Sana Baloch',
      subscribers: [{ subscriberId: id('S6'), msisdn: '0345-6666666', region: Region.BALOCHISTAN }],
    });
    // Two callers known only from call records (older than the window the scope test uses).
    people.faisal = await fixture.person({
      cnic: '35201-7777777-1',
      name: 'Faisal Iqbal',
      subscribers: [{ subscriberId: id('S7'), msisdn: '0321-7777777', region: Region.PUNJAB }],
    });
    people.hina = await fixture.person({
      cnic: '35201-8888888-2',
      name: 'Hina Javed',
      subscribers: [{ subscriberId: id('S8'), msisdn: '0322-8888888', region: Region.PUNJAB }],
    });
    await fixture.asset(CRM, categoryMask([C.NAME, C.CNIC, C.MSISDN, C.POSTAL_ADDRESS]));
    await fixture.asset(BILLING, categoryMask([C.NAME, C.PAYMENT_CARD, C.BANK_ACCOUNT]));
    await fixture.asset(CDR, categoryMask([C.MSISDN, C.CALL_RECORDS, C.LOCATION]));
    const regionOf: Record<string, number> = { S1: 1, S2: 2, S3: 2, S4: 3, S5: 5, S6: 4 };
    for (const s of ['S2', 'S1', 'S3', 'S4', 'S5', 'S6'])
      await fixture.holding(CRM, id(s), regionOf[s]!, '2019-01-01T00:00:00Z');
    await fixture.holding(BILLING, id('S1'), Region.PUNJAB, '2021-01-01T00:00:00Z');
    await fixture.holding(BILLING, id('S3'), Region.SINDH, '2021-01-01T00:00:00Z', '2022-06-01T00:00:00Z');
    await fixture.holding(CDR, id('S2'), Region.SINDH, '2023-01-01T00:00:00Z', '2023-03-31T00:00:00Z');
    await fixture.holding(CDR, id('S6'), Region.BALOCHISTAN, '2023-04-01T00:00:00Z', '2023-06-30T00:00:00Z');
    await fixture.holding(CDR, id('S7'), Region.PUNJAB, '2022-01-01T00:00:00Z', '2022-12-31T00:00:00Z');
    await fixture.holding(CDR, id('S8'), Region.PUNJAB, '2022-01-01T00:00:00Z', '2022-12-31T00:00:00Z');
    // Records that only started after the breach ended were not there to be taken.
    await fixture.holding(CDR, id('S4'), Region.KHYBER_PAKHTUNKHWA, '2026-03-10T00:00:00Z');

    kafka = new KafkaTestClient();
    await startGroupAtEnd(kafka.kafka, `exposure-it-${run}`, [Topics.incidentRevisions, Topics.inventoryChanges]);
    const config = loadExposureConfig(
      testEnv({
        GATE_MAX_PEOPLE_WITHOUT_APPROVAL: '5',
        EXPOSURE_RETRY_DELAYS_MS: '200,400',
        // Two events per send: every revision here goes out in several batches, read ahead of the sends.
        EXPOSURE_RELAY_BATCH: '2',
        // A group of its own: another run on the same broker (a developer's stack, CI) must not share partitions.
        EXPOSURE_CONSUMER_GROUP: `exposure-it-${run}`,
      }),
    );
    ({ app } = await createExposureApp(
      config,
      createLogger('exposure', (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent'),
    ));
    await app.startAllMicroservices();
    await app.init();
    await kafka.collect([Topics.exposure, Topics.incidentControl]);
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await db?.end();
  });

  const publish = (init: RevisionInit) =>
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
              // A reporter per incident: the gate's per-reporter window is release-gate.integration-spec's subject.
              reporter: `soc-${init.incidentId ?? ''}`,
              ...init,
            }),
          ),
        ),
      },
    ]);

  const eventsFor = (incidentId: string): PersonExposed[] =>
    kafka
      .messages(Topics.exposure)
      .map((message) => decodeBinary(PersonExposedSchema, message.value!))
      .filter((event) => event.incidentId === incidentId);

  const byPerson = (events: PersonExposed[]) =>
    Object.fromEntries(
      Object.entries(people)
        .map(([name, personId]) => [name, events.filter((event) => event.personId === personId)] as const)
        .filter(([, list]) => list.length > 0)
        .map(([name, list]) => [
          name,
          list.map((event) => ({
            change: ExposureChange[event.change],
            categories: event.categories.map((c) => C[c]).sort(),
          })),
        ]),
    );

  /** Waits until the exposure service's group has committed past `sent`: it handled those revisions. */
  const consumed = async (sent: Awaited<ReturnType<typeof publish>>) => {
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      await waitForConsumed(admin, `exposure-it-${run}`, sent);
    } finally {
      await admin.disconnect();
    }
  };

  /**
   * The marker that the relay went past everything released before: a revision of another incident,
   * published now (one person, under the gate), reaches exposure.v1.
   */
  const relayPassed = async () => {
    const sentinel = id(`INC-sentinel-${randomUUID().slice(0, 6)}`);
    await publish({
      incidentId: sentinel,
      revision: 1,
      assets: [{ assetId: BILLING, categories: [], scope: { case: 'subscriberIds', value: { values: [id('S1')] } } }],
    });
    await waitFor(() => eventsFor(sentinel).length === 1, `the sentinel incident ${sentinel} published`);
  };

  const revisionStatus = async (incidentId: string, revision: number) =>
    (
      await db.query<{ status: string }>(
        'SELECT status FROM exposure.revisions WHERE incident_id = $1 AND revision = $2',
        [incidentId, revision],
      )
    ).rows[0]?.status;

  it('exposes every holder of an asset taken in full, grouped by person, with the taken categories only', async () => {
    const incidentId = id('INC-all');
    await publish({
      incidentId,
      revision: 1,
      assets: [{ assetId: CRM, categories: [C.NAME, C.CNIC, C.BIOMETRIC], scope: { case: 'all', value: true } }],
    });
    await waitFor(() => eventsFor(incidentId).length === 5, 'five people');
    const events = eventsFor(incidentId);
    expect(byPerson(events)).toEqual({
      ayesha: [{ change: 'NEW', categories: ['CNIC', 'NAME'] }],
      bilal: [{ change: 'NEW', categories: ['CNIC', 'NAME'] }],
      danish: [{ change: 'NEW', categories: ['CNIC', 'NAME'] }],
      omar: [{ change: 'NEW', categories: ['CNIC', 'NAME'] }],
      sana: [{ change: 'NEW', categories: ['CNIC', 'NAME'] }],
    });
    const ayesha = events.find((event) => event.personId === people.ayesha)!;
    // Listed by subscriber id.
    expect(ayesha.subscriptions.map((s) => s.subscriberId)).toEqual([id('S1'), id('S2')]);
    expect(RiskTier[ayesha.tier]).toBe('HIGH');
    expect(ayesha.policyRule).toBe('identity-sim-or-financial');
    expect(ayesha.actions).toContain(ProtectiveAction.SIM_SWAP_LOCK);
    expect(ayesha.language).toBe('ur');
    expect(cipher.decrypt(Buffer.from(ayesha.emailCiphertext))).toBe('ayesha@example.pk');
    expect(ayesha.subscriptions.map((s) => cipher.decrypt(Buffer.from(s.msisdnCiphertext))).sort()).toEqual([
      '+923001111111',
      '+923012222222',
    ]);
    // Bilal's number now belongs to Danish: Bilal's subscription is reported but not to be texted or locked.
    const bilal = events.find((event) => event.personId === people.bilal)!;
    expect(bilal.subscriptions).toEqual([
      expect.objectContaining({ stillHeld: false, msisdnCiphertext: new Uint8Array() }),
    ]);
    // Highest tier first on the topic; keyed by person.
    expect(kafka.messages(Topics.exposure).find((m) => m.key === people.ayesha)).toBeDefined();
    expect(await revisionStatus(incidentId, 1)).toBe('RELEASED');
  });

  it('scopes by region and by record time window, ignoring records that began after the breach', async () => {
    const incidentId = id('INC-scope');
    await publish({
      incidentId,
      revision: 1,
      assets: [
        { assetId: CRM, categories: [], scope: { case: 'regions', value: { regions: [Region.SINDH] } } },
        {
          assetId: CDR,
          categories: [],
          scope: {
            case: 'timeWindow',
            value: {
              from: timestampFromDate(new Date('2023-02-01T00:00:00Z')),
              to: timestampFromDate(new Date('2026-12-31T00:00:00Z')),
            },
          },
        },
      ],
    });
    await waitFor(() => eventsFor(incidentId).length === 3, 'three people');
    expect(byPerson(eventsFor(incidentId))).toEqual({
      ayesha: [{ change: 'NEW', categories: ['CALL_RECORDS', 'CNIC', 'LOCATION', 'MSISDN', 'NAME', 'POSTAL_ADDRESS'] }],
      bilal: [{ change: 'NEW', categories: ['CNIC', 'MSISDN', 'NAME', 'POSTAL_ADDRESS'] }],
      sana: [{ change: 'NEW', categories: ['CALL_RECORDS', 'LOCATION', 'MSISDN'] }],
    });
  });

  it('scopes by explicit subscriber ids and by MSISDNs, reaching every holder the number ever had', async () => {
    const incidentId = id('INC-lists');
    await publish({
      incidentId,
      revision: 1,
      assets: [
        {
          assetId: BILLING,
          categories: [C.PAYMENT_CARD],
          scope: { case: 'subscriberIds', value: { values: [id('S1')] } },
        },
        {
          assetId: CRM,
          categories: [C.MSISDN],
          scope: { case: 'msisdnBlindIndexes', value: { values: [fixture.msisdnIndex('03023333333')] } },
        },
      ],
    });
    await waitFor(() => eventsFor(incidentId).length === 3, 'three people');
    expect(byPerson(eventsFor(incidentId))).toEqual({
      ayesha: [{ change: 'NEW', categories: ['PAYMENT_CARD'] }],
      bilal: [{ change: 'NEW', categories: ['MSISDN'] }],
      danish: [{ change: 'NEW', categories: ['MSISDN'] }],
    });
  });

  it('tells only what a widening revision adds, retracts on narrowing, and changes nothing on replay', async () => {
    const incidentId = id('INC-rev');
    const crmPunjab = {
      assetId: CRM,
      categories: [C.NAME],
      scope: { case: 'regions' as const, value: { regions: [Region.PUNJAB, Region.SINDH] } },
    };
    await publish({ incidentId, revision: 1, assets: [crmPunjab] });
    await waitFor(() => eventsFor(incidentId).length === 2, 'revision 1: Ayesha and Bilal');

    await publish({
      incidentId,
      revision: 2,
      previousRevision: 1,
      assets: [crmPunjab, { assetId: BILLING, categories: [], scope: { case: 'all', value: true } }],
    });
    await waitFor(() => eventsFor(incidentId).length === 4, 'revision 2 widens both');
    expect(byPerson(eventsFor(incidentId).filter((event) => event.revision === 2))).toEqual({
      ayesha: [{ change: 'WIDENED', categories: ['BANK_ACCOUNT', 'NAME', 'PAYMENT_CARD'] }],
      bilal: [{ change: 'WIDENED', categories: ['BANK_ACCOUNT', 'NAME', 'PAYMENT_CARD'] }],
    });
    const widened = eventsFor(incidentId).find((event) => event.revision === 2 && event.personId === people.ayesha)!;
    expect(widened.newCategories.map((c) => C[c]).sort()).toEqual(['BANK_ACCOUNT', 'PAYMENT_CARD']);

    // Revision 3: billing was a false alarm and only Punjab's CRM records were taken.
    await publish({
      incidentId,
      revision: 3,
      previousRevision: 2,
      assets: [{ assetId: CRM, categories: [C.NAME], scope: { case: 'regions', value: { regions: [Region.PUNJAB] } } }],
    });
    await waitFor(() => eventsFor(incidentId).some((event) => event.revision === 3), 'revision 3');
    await waitFor(async () => (await revisionStatus(incidentId, 3)) === 'RELEASED', 'revision 3 resolved');
    const third = eventsFor(incidentId).filter((event) => event.revision === 3);
    expect(third.map((event) => [event.personId, ExposureChange[event.change], event.noticeAlreadySent])).toEqual([
      [people.bilal, 'RETRACTED', true],
    ]);
    // A person keeps one exposure id through every revision: the events and the stored exposure agree.
    const { rows: stored } = await db.query<{
      person_id: string;
      exposure_id: string;
      status: string;
      retracted_revision: number | null;
    }>(
      'SELECT person_id, exposure_id, status, retracted_revision FROM exposure.person_exposures WHERE incident_id = $1',
      [incidentId],
    );
    const storedIds = new Map(stored.map((row) => [row.person_id, row.exposure_id]));
    for (const event of eventsFor(incidentId)) expect(event.exposureId).toBe(storedIds.get(event.personId));
    expect(new Set(stored.map((row) => row.exposure_id)).size).toBe(2);
    // Time-ordered (UUIDv7), drawn when the person was first exposed.
    const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const row of stored) expect(row.exposure_id).toMatch(uuidV7);
    // What care and the regulator log read: Bilal is no longer exposed, since revision 3; Ayesha still is.
    const statusOf = (person: string | undefined) => stored.find((row) => row.person_id === person);
    expect(statusOf(people.bilal)).toMatchObject({ status: 'RETRACTED', retracted_revision: 3 });
    expect(statusOf(people.ayesha)).toMatchObject({ status: 'ACTIVE', retracted_revision: null });

    // Replaying revision 2 changes nothing.
    const before = eventsFor(incidentId).length;
    await consumed(await publish({ incidentId, revision: 2, assets: [crmPunjab] }));
    await relayPassed();
    expect(eventsFor(incidentId)).toHaveLength(before);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM exposure.revisions WHERE incident_id = $1', [
      incidentId,
    ]);
    expect(rows[0].n).toBe(3);
  });

  it('holds a revision over the gate threshold until two different approvers release it', async () => {
    const incidentId = id('INC-gate');
    await publish({
      incidentId,
      revision: 1,
      assets: [
        { assetId: CRM, categories: [], scope: { case: 'all', value: true } },
        { assetId: CDR, categories: [], scope: { case: 'all', value: true } },
      ],
    });
    await waitFor(async () => (await revisionStatus(incidentId, 1)) === 'HELD', 'held at the gate');
    const http = request(app.getHttpServer());
    const alice = await officer('alice');
    const summary = await http.get(`/incidents/${incidentId}`).set('authorization', alice).expect(200);
    const summaryHash: string = summary.body.revisions[0].summaryHash;
    expect(summary.body.revisions[0]).toMatchObject({ status: 'HELD', peopleAffected: 7, published: 0 });
    // Ayesha's two SIMs count as two subscriptions; Bilal and Omar are former customers; Danish's call
    // records began after the breach, so only his CRM record counts.
    expect(summary.body.revisions[0].summary).toMatchObject({
      peopleAffected: 7,
      subscriptionsAffected: 8,
      peopleByTier: { HIGH: 5, MEDIUM: 2 },
      subscriptionsByTier: { HIGH: 6, MEDIUM: 2 },
      peopleByCategory: { NAME: 5, CNIC: 5, POSTAL_ADDRESS: 5, MSISDN: 7, CALL_RECORDS: 4, LOCATION: 4 },
      subscriptionsByRegion: {
        [Region.PUNJAB]: 3,
        [Region.SINDH]: 2,
        [Region.KHYBER_PAKHTUNKHWA]: 1,
        [Region.BALOCHISTAN]: 1,
        [Region.ISLAMABAD]: 1,
      },
      formerCustomers: 2,
    });
    expect(summary.body.revisions[0].summary.regulator.authority).toMatch(/PTA/);
    expect(summary.body.revisions[0].regulatorDeadlineAt).toBe('2026-03-07T22:00:00.000Z');

    const approve = (authorization: string, hash = summaryHash) =>
      http
        .post(`/incidents/${incidentId}/revisions/1/approvals`)
        .set('authorization', authorization)
        .send({ summaryHash: hash });
    await approve('Bearer wrong').expect(401);
    const passwordOnly = await approve(await officer('alice', false)).expect(403);
    expect(passwordOnly.body.message).toContain('one-time password');
    expect((await approve(alice, 'f'.repeat(64)).expect(409)).body.code).toBe('STALE_SUMMARY');
    const first = await approve(alice).expect(200);
    expect(first.body).toMatchObject({ released: false, approvals: [{ displayName: 'Alice Privacy', summaryHash }] });
    await approve(alice).expect(409);
    await relayPassed();
    expect(await revisionStatus(incidentId, 1)).toBe('HELD');
    expect(eventsFor(incidentId)).toHaveLength(0);

    const second = await approve(await officer('bob')).expect(200);
    expect(second.body).toMatchObject({
      released: true,
      approvals: [{ displayName: 'Alice Privacy' }, { summaryHash }],
    });
    await waitFor(() => eventsFor(incidentId).length === 7, 'seven people after release');
    await waitFor(
      () =>
        kafka
          .messages(Topics.incidentControl)
          .map((message) => decodeBinary(IncidentControlSchema, message.value!))
          .find((control) => control.incidentId === incidentId && control.action === ControlAction.RELEASED),
      'RELEASED control',
    );
  });

  it('computes a dry run, summarises it and sends nothing', async () => {
    const incidentId = id('INC-dry');
    await publish({
      incidentId,
      revision: 1,
      dryRun: true,
      assets: [{ assetId: BILLING, categories: [], scope: { case: 'all', value: true } }],
    });
    await waitFor(async () => (await revisionStatus(incidentId, 1)) === 'DRY_RUN', 'dry run resolved');
    const alice = await officer('alice');
    const shown = await request(app.getHttpServer()).get(`/incidents/${incidentId}`).set('authorization', alice);
    await request(app.getHttpServer())
      .post(`/incidents/${incidentId}/revisions/1/approvals`)
      .set('authorization', alice)
      .send({ summaryHash: shown.body.revisions[0].summaryHash })
      .expect(409);
    await relayPassed();
    expect(await revisionStatus(incidentId, 1)).toBe('DRY_RUN');
    expect(eventsFor(incidentId)).toHaveLength(0);
  });

  it('publishes nothing for a paused incident until it is resumed', async () => {
    const incidentId = id('INC-pause');
    await publish({
      incidentId,
      revision: 1,
      assets: [{ assetId: BILLING, categories: [], scope: { case: 'subscriberIds', value: { values: [id('S1')] } } }],
    });
    await waitFor(() => eventsFor(incidentId).length === 1, 'revision 1 published');
    const http = request(app.getHttpServer());
    await http
      .post(`/incidents/${incidentId}/pause`)
      .set('authorization', await officer('alice', false))
      .send({ reason: 'verify scope' })
      .expect(200);
    await publish({
      incidentId,
      revision: 2,
      assets: [{ assetId: BILLING, categories: [], scope: { case: 'all', value: true } }],
    });
    await waitFor(async () => (await revisionStatus(incidentId, 2)) === 'RELEASED', 'revision 2 resolved');
    await relayPassed();
    expect(eventsFor(incidentId)).toHaveLength(1);
    await http
      .post(`/incidents/${incidentId}/resume`)
      .set('authorization', await officer('bob', false))
      .send({ reason: '' })
      .expect(400);
    await http
      .post(`/incidents/${incidentId}/resume`)
      .set('authorization', await officer('bob', false))
      .send({ reason: 'scope verified' })
      .expect(200);
    await waitFor(() => eventsFor(incidentId).length === 2, 'revision 2 published after resume');
  });

  it('sends a revision whose transaction committed after a later revision was already sent', async () => {
    // An "id > last sent" cursor over all events would skip the late one: its ids are lower.
    const late = id('INC-late');
    const early = id('INC-early');
    const writer = new Client({ connectionString: TEST_DATABASE_URL });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO exposure.incidents (incident_id, current_revision) VALUES ($1, 1)', [late]);
      await writer.query(
        `INSERT INTO exposure.revisions (incident_id, revision, revision_id, status, dry_run, people_affected, events,
           policy_version, jurisdiction, detected_at, occurred_to, attack_vectors, summary, compute_ms, released_at)
         VALUES ($1, 1, gen_random_uuid(), 'RELEASED', false, 1, 1, 'test', 'PK', now(), now(), '{}', '{}', 0, now())`,
        [late],
      );
      const { rows } = await writer.query<{ id: string }>(
        `INSERT INTO exposure.exposure_events (incident_id, revision, person_id, exposure_id, change, categories,
           new_categories, tier, policy_rule, subscriber_ids)
         VALUES ($1, 1, $2, gen_random_uuid(), $3, $4, $4, $5, 'test', $6) RETURNING id`,
        [late, people.sana, ExposureChange.NEW, categoryMask([C.NAME]), RiskTier.LOW, [id('S6')]],
      );

      await publish({
        incidentId: early,
        revision: 1,
        assets: [{ assetId: BILLING, categories: [], scope: { case: 'subscriberIds', value: { values: [id('S1')] } } }],
      });
      await waitFor(() => eventsFor(early).length === 1, 'the later revision sent');
      const { rows: sent } = await db.query<{ min: string }>(
        'SELECT min(id) AS min FROM exposure.exposure_events WHERE incident_id = $1',
        [early],
      );
      expect(BigInt(sent[0]!.min)).toBeGreaterThan(BigInt(rows[0]!.id));
      expect(eventsFor(late)).toHaveLength(0);

      await writer.query(`SELECT pg_notify('exposure_events', '')`);
      await writer.query('COMMIT');
    } finally {
      await writer.end();
    }
    await waitFor(() => eventsFor(late).length === 1, 'the revision that committed late sent');
    expect(eventsFor(late)[0]).toMatchObject({ personId: people.sana, revision: 1 });
    // The relay stamps the revision after the broker's acknowledgement, so a consumer can see the event first.
    const progress = async () =>
      (
        await db.query<{ published: number; done: boolean }>(
          'SELECT published_events AS published, fanned_out_at IS NOT NULL AS done FROM exposure.revisions WHERE incident_id = $1',
          [late],
        )
      ).rows[0];
    await waitFor(async () => (await progress())?.done === true, 'the late revision marked fanned out');
    expect(await progress()).toEqual({ published: 1, done: true });
  });
});
