import { randomBytes, randomUUID } from 'node:crypto';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import {
  ActivationChallengeIssuedSchema,
  ControlAction,
  EnrollmentCreatedSchema,
  ExposureChange,
  IncidentControlSchema,
  LineType,
  LogChannel,
  LogEntryKind,
  NotificationLogEntrySchema,
  PersonExposedSchema,
  PiiCategory,
  ProtectionAckSchema,
  ProtectionCommandSchema,
  ProtectionOutcome,
  ProtectiveAction,
  RiskTier,
  Topics,
  decodeBinary,
  type PersonExposed,
} from '@bnp/contracts';
import { DeadLetterSeal, FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import { FieldCipher, maskMsisdn, parseKeyRing } from '@bnp/pii';
import {
  KafkaTestClient,
  TEST_DATABASE_URL,
  TEST_PII_KEYS,
  describeLag,
  startGroupAtEnd,
  testEnv,
  waitFor,
  type WaitOptions,
} from '@bnp/testing';
// The partner stand-in runs in-process so the test can switch its faults; it is a local tool, not a dependency.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  createMonitoringPartnerStandIn,
  type MonitoringPartnerStandIn,
} from '../../../deploy/local/monitoring-partner/src';
import { SecretHasher, parseActivationCode } from './activation/activation-code';
import { createFraudGuardApp } from './app';
import { loadFraudGuardConfig, type FraudGuardConfig } from './config';
import { aad } from './pii-context';

// A group of its own per run: another run on the same broker must not share its partitions.
const GROUP = `fraud-guard-it-${randomUUID().slice(0, 8)}`;
const CONTROL_GROUP = `${GROUP}-control`;
const CODE_KEY = randomBytes(32);
const { SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING } = ProtectiveAction;
const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
const hasher = new SecretHasher(CODE_KEY);

type ExposureInit = Omit<MessageInitShape<typeof PersonExposedSchema>, '$typeName'>;
type SubscriptionInit = NonNullable<ExposureInit['subscriptions']>[number];

let msisdnCounter = Math.floor(Math.random() * 9_000_000);
/** A fresh Pakistani mobile number per call, so runs never collide. */
function newMsisdn(): string {
  msisdnCounter = (msisdnCounter + 7919) % 10_000_000;
  return `+92300${String(msisdnCounter).padStart(7, '0')}`;
}

function held(msisdn = newMsisdn(), subscriberId = `SUB-${randomUUID().slice(0, 8)}`): SubscriptionInit {
  return {
    subscriberId,
    stillHeld: true,
    lineType: LineType.CONSUMER,
    msisdnCiphertext: cipher.encrypt(msisdn, aad.msisdn),
    msisdnMasked: maskMsisdn(msisdn),
  };
}

function recycled(msisdn = newMsisdn()): SubscriptionInit {
  return {
    subscriberId: `SUB-${randomUUID().slice(0, 8)}`,
    stillHeld: false,
    lineType: LineType.CONSUMER,
    msisdnMasked: maskMsisdn(msisdn),
  };
}

function exposure(overrides: ExposureInit = {}): PersonExposed {
  const incidentId = overrides.incidentId ?? `INC-${randomUUID().slice(0, 8)}`;
  const personId = overrides.personId ?? randomUUID();
  const revision = overrides.revision ?? 1;
  return create(PersonExposedSchema, {
    exposureId: `${incidentId}:${personId}`,
    incidentId,
    revision,
    personId,
    change: ExposureChange.NEW,
    categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
    newCategories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
    tier: RiskTier.HIGH,
    policyVersion: 'risk-policy.v1',
    policyRule: 'cnic',
    actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, FRAUD_MONITORING],
    subscriptions: [held()],
    language: 'ur',
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
    jurisdiction: 'PK',
    idempotencyKey: `${incidentId}:${personId}:${revision}`,
    ...overrides,
  });
}

describe('fraud-guard', () => {
  let kafka: KafkaTestClient;
  let partner: MonitoringPartnerStandIn;
  let config: FraudGuardConfig;
  let app: INestApplication;
  let db: Client;

  const startApp = async () => {
    const fraudGuard = await createFraudGuardApp(config, createLogger('fraud-guard', config.LOG_LEVEL));
    await fraudGuard.app.startAllMicroservices();
    await fraudGuard.app.init();
    return fraudGuard.app;
  };

  beforeAll(async () => {
    kafka = new KafkaTestClient();
    partner = await createMonitoringPartnerStandIn({ port: 0 });
    config = loadFraudGuardConfig(
      testEnv({
        FRAUD_CONSUMER_GROUP: GROUP,
        FRAUD_CONTROL_CONSUMER_GROUP: CONTROL_GROUP,
        FRAUD_RETRY_DELAYS_MS: '300',
        FRAUD_ACTIVATION_CODE_KEY: CODE_KEY.toString('base64'),
        FRAUD_ACTIVATION_MAX_ATTEMPTS: '4',
        FRAUD_OTP_RESEND_INTERVAL_MS: '1500',
        FRAUD_OTP_MAX_PER_HOUR: '3',
        FRAUD_COMMAND_RESEND_AFTER_MS: '1500',
        FRAUD_COMMAND_RESEND_MAX_MS: '3000',
        FRAUD_SCHEDULER_INTERVAL_MS: '100',
        MONITORING_PARTNER_URL: partner.url,
        MONITORING_PARTNER_TIMEOUT_MS: '1000',
        MONITORING_PARTNER_RETRY_AFTER_MS: '200',
        MONITORING_PARTNER_RETRY_MAX_MS: '400',
      }),
    );
    // Other suites share the broker without resetting topics: consume only what this run produces.
    await startGroupAtEnd(kafka.kafka, GROUP, [Topics.exposure, Topics.fraudProtectionAcks]);
    await startGroupAtEnd(kafka.kafka, CONTROL_GROUP, [Topics.incidentControl]);
    app = await startApp(); // creates the groups' dead-letter topics
    await kafka.collect([
      Topics.fraudProtection,
      Topics.fraudEnrollments,
      Topics.fraudChallenges,
      Topics.notificationLog,
      deadLetterTopic(GROUP),
      deadLetterTopic(CONTROL_GROUP),
    ]);
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await partner?.close();
    await db?.end();
  });

  const send = (event: PersonExposed, key: string = event.personId) =>
    kafka.send(Topics.exposure, [
      {
        key,
        value: Buffer.from(toBinary(PersonExposedSchema, event)),
        headers: { 'content-type': 'application/protobuf' },
      },
    ]);

  const control = (incidentId: string, action: ControlAction, decidedAt: Date | undefined, controlId = randomUUID()) =>
    kafka.send(Topics.incidentControl, [
      {
        key: incidentId,
        value: Buffer.from(
          toBinary(
            IncidentControlSchema,
            create(IncidentControlSchema, {
              controlId,
              incidentId,
              action,
              actors: ['approver-1'],
              reason: 'integration test',
              decidedAt: decidedAt && timestampFromDate(decidedAt),
            }),
          ),
        ),
        headers: { 'content-type': 'application/protobuf' },
      },
    ]);

  const acknowledge = (subscriberId: string, commandId: string, outcome = ProtectionOutcome.APPLIED) =>
    kafka.send(Topics.fraudProtectionAcks, [
      {
        key: subscriberId,
        value: Buffer.from(
          toBinary(
            ProtectionAckSchema,
            create(ProtectionAckSchema, {
              commandId,
              outcome,
              detail: 'done at HLR',
              acknowledgedAt: timestampFromDate(new Date()),
            }),
          ),
        ),
      },
    ]);

  /** A wait that times out says what fraud-guard had not consumed, what its database sessions were doing, what was unpublished. */
  const explain = async () => {
    const lag = await describeLag(kafka.kafka, GROUP, [Topics.exposure, Topics.fraudProtectionAcks]);
    const sessions = await db.query<{ state: string; wait: string | null; seconds: number; query: string }>(
      `SELECT state, wait_event_type || ':' || wait_event AS wait, extract(epoch FROM now() - query_start)::int AS seconds,
              left(query, 120) AS query
       FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`,
    );
    const outboxRows = await db.query<{ topic: string; n: number }>(
      'SELECT topic, count(*)::int AS n FROM fraud.outbox GROUP BY topic',
    );
    const database = sessions.rows.map((row) => `${row.state} ${row.wait ?? ''} ${row.seconds}s ${row.query}`);
    const outboxLeft = outboxRows.rows.map((row) => `${row.topic} ${row.n}`);
    return `${lag}; database: ${database.join(' | ') || 'idle'}; outbox: ${outboxLeft.join(', ') || 'empty'}`;
  };
  const waitForApp = <T>(
    check: () => Promise<T | undefined | false> | T | undefined | false,
    description: string,
    options: WaitOptions = {},
  ) => waitFor(check, description, { explain, ...options });

  /** What was published on a topic since the suite started, optionally only under one key. */
  const published = (topic: string, key?: string) =>
    kafka.messages(topic).filter((message) => key === undefined || message.key === key);
  const enrollmentsCreated = (personId: string) =>
    published(Topics.fraudEnrollments, personId).map((message) =>
      decodeBinary(EnrollmentCreatedSchema, message.value!),
    );
  const commandsFor = (personId: string) =>
    published(Topics.fraudProtection)
      .map((message) => ({ key: message.key, command: decodeBinary(ProtectionCommandSchema, message.value!) }))
      .filter(({ command }) => command.personId === personId);
  const logEntries = (personId: string) =>
    published(Topics.notificationLog, personId).map((message) =>
      decodeBinary(NotificationLogEntrySchema, message.value!),
    );

  const enrollmentRows = async (incidentId: string) =>
    (
      await db.query<{
        id: string;
        person_id: string;
        status: string;
        exposure_idempotency_key: string;
      }>(
        'SELECT id, person_id, status, exposure_idempotency_key FROM fraud.enrollments WHERE incident_id = $1 ORDER BY person_id',
        [incidentId],
      )
    ).rows;
  const codeHashes = async (enrollmentId: string) =>
    (
      await db.query<{ code_hash: string }>(
        'SELECT code_hash FROM fraud.activation_codes WHERE enrollment_id = $1 ORDER BY revision',
        [enrollmentId],
      )
    ).rows.map((row) => row.code_hash);
  const commandRows = async (personId: string) =>
    (
      await db.query<{
        command_id: string;
        subscriber_id: string;
        actions: number[];
        status: string;
        attempt: number;
        exposure_revision: number;
      }>(
        'SELECT command_id, subscriber_id, actions, status, attempt, exposure_revision FROM fraud.protection_commands WHERE person_id = $1 ORDER BY exposure_revision, subscriber_id',
        [personId],
      )
    ).rows;
  const dryRunRecorded = async (idempotencyKey: string) =>
    (await db.query('SELECT 1 FROM fraud.dry_run_assessments WHERE exposure_idempotency_key = $1', [idempotencyKey]))
      .rowCount === 1;
  const unpublished = async (topic: string) =>
    Number(
      (await db.query<{ n: string }>('SELECT count(*) AS n FROM fraud.outbox WHERE topic = $1', [topic])).rows[0]!.n,
    );

  const controlRow = async (incidentId: string) =>
    (
      await db.query<{ paused: boolean; control_id: string }>(
        'SELECT paused, control_id FROM fraud.incident_controls WHERE incident_id = $1',
        [incidentId],
      )
    ).rows[0];
  const partnerTasks = async (enrollmentIds: string[]) =>
    (
      await db.query<{ enrollment_id: string; status: string; attempts: number }>(
        `SELECT enrollment_id, status, attempts FROM fraud.partner_tasks WHERE enrollment_id = ANY($1::uuid[]) AND operation = 'ENROLL'`,
        [enrollmentIds],
      )
    ).rows;
  const atPartner = (enrollmentId: string) =>
    partner.enrollments().filter((record) => record.reference === enrollmentId);

  /**
   * Sends an undecodable control keyed by the incident (same partition) and waits until it is
   * dead-lettered: every control sent before it for that incident was handled.
   */
  const settleControls = async (incidentId: string) => {
    const markerId = randomUUID();
    await control(incidentId, ControlAction.PAUSED, undefined, markerId);
    await waitForApp(
      () =>
        published(deadLetterTopic(CONTROL_GROUP), incidentId).some(
          (message) =>
            // Dead-letter values are sealed with the service's field key (ADR 0015).
            decodeBinary(
              IncidentControlSchema,
              new DeadLetterSeal(cipher, CONTROL_GROUP).open(message.value, message.headers)!,
            ).controlId === markerId,
        ),
      'the control marker dead-lettered',
    );
  };

  /** The code inside the person's EnrollmentCreated, opened as the notifier will open it. */
  const codeOf = async (personId: string) => {
    const [created] = await waitForApp(
      () => enrollmentsCreated(personId).length > 0 && enrollmentsCreated(personId),
      'EnrollmentCreated',
    );
    return cipher.decrypt(Buffer.from(created!.activationCodeCiphertext), aad.activationCode(created!.enrollmentId));
  };

  /** Sends a dry-run exposure for the same person (same partition) and waits until it is recorded: everything before it was handled. */
  const settle = async (personId: string) => {
    const marker = exposure({ personId, dryRun: true, idempotencyKey: `marker:${randomUUID()}` });
    await send(marker);
    await waitForApp(() => dryRunRecorded(marker.idempotencyKey), 'the marker recorded');
  };

  it('enrolls HIGH and CRITICAL people once each: one command per number still held, none for recycled numbers, the code in EnrollmentCreated', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const highNumbers = [newMsisdn(), newMsisdn()];
    const high = exposure({ incidentId, subscriptions: [held(highNumbers[0]), held(highNumbers[1]), recycled()] });
    const critical = exposure({
      incidentId,
      tier: RiskTier.CRITICAL,
      categories: [PiiCategory.CNIC, PiiCategory.CREDENTIALS],
      actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
      subscriptions: [held(), recycled()],
    });
    const started = Date.now();
    await send(high);
    await send(critical);

    const code = await codeOf(high.personId);
    await codeOf(critical.personId);
    expect(Date.now() - started).toBeLessThan(10_000);

    const rows = await enrollmentRows(incidentId);
    expect(rows.map((row) => row.person_id).sort()).toEqual([high.personId, critical.personId].sort());
    const highRow = rows.find((row) => row.person_id === high.personId)!;
    // The notice's code is the one whose keyed hash is stored, and the hash is all that is stored.
    const parsed = parseActivationCode(code);
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z*~$=]$/);
    expect(await codeHashes(highRow.id)).toEqual([parsed.ok && hasher.activationCode(parsed.body)]);
    expect(highRow.exposure_idempotency_key).toBe(high.idempotencyKey);
    expect(enrollmentsCreated(high.personId)[0]).toMatchObject({
      incidentId,
      exposureIdempotencyKey: high.idempotencyKey,
      monitoringMonths: 12,
      protectedSubscriptions: 2,
    });

    const highHeld = high.subscriptions
      .filter((subscription) => subscription.stillHeld)
      .map((subscription) => subscription.subscriberId);
    await waitForApp(
      () => commandsFor(high.personId).length === 2 && commandsFor(critical.personId).length === 1,
      'three commands',
    );
    expect(
      commandsFor(high.personId)
        .map(({ key }) => key)
        .sort(),
    ).toEqual([...highHeld].sort());
    for (const { key, command } of commandsFor(high.personId)) {
      expect(command).toMatchObject({
        subscriberId: key,
        actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK],
        untilBiometricReverification: true,
        attempt: 1,
      });
      // The operator's adapter opens the same envelope the exposure carried.
      expect(highNumbers).toContain(cipher.decrypt(Buffer.from(command.msisdnCiphertext), aad.msisdn));
    }
    expect(commandsFor(critical.personId)[0]!.command.actions).toEqual([SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET]);
    expect((await commandRows(high.personId)).map((row) => row.subscriber_id).sort()).toEqual([...highHeld].sort());

    await waitForApp(() => logEntries(high.personId).length >= 3, 'log entries');
    const kinds = logEntries(high.personId).map((entry) => [entry.kind, entry.status]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        [LogEntryKind.ENROLLMENT_CREATED, 'pending_activation'],
        [LogEntryKind.PROTECTION_COMMAND_SENT, 'sent'],
        [LogEntryKind.PROTECTION_COMMAND_SENT, 'sent'],
      ]),
    );
    const logged = JSON.stringify(
      logEntries(high.personId).map((entry) => [entry.recipientMasked, entry.detail, entry.status]),
    );
    for (const number of highNumbers) expect(logged).not.toContain(number.slice(-7));
    expect(
      logEntries(high.personId)
        .filter((entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT)
        .map((entry) => entry.recipientMasked),
    ).toEqual(expect.arrayContaining(highNumbers.map(maskMsisdn)));
  });

  it('changes nothing when exposures are replayed, before and after a restart', async () => {
    const first = exposure({ subscriptions: [held(), held()] });
    await send(first);
    await codeOf(first.personId);
    await send(first);
    await settle(first.personId);

    await app.close();
    app = await startApp();
    await send(first);
    await send(first);
    await settle(first.personId);
    await waitForApp(async () => (await unpublished(Topics.fraudEnrollments)) === 0, 'outbox drained');

    expect(await enrollmentRows(first.incidentId)).toHaveLength(1);
    expect(await commandRows(first.personId)).toHaveLength(2);
    expect(enrollmentsCreated(first.personId)).toHaveLength(1);
    expect(commandsFor(first.personId).filter(({ command }) => command.attempt === 1)).toHaveLength(2);
    expect(logEntries(first.personId).filter((entry) => entry.kind === LogEntryKind.ENROLLMENT_CREATED)).toHaveLength(
      1,
    );
  });

  it('records a dry run without minting a code or sending a command', async () => {
    const dryRun = exposure({ dryRun: true });
    await send(dryRun);
    await waitForApp(() => dryRunRecorded(dryRun.idempotencyKey), 'dry run recorded');
    expect(await enrollmentRows(dryRun.incidentId)).toEqual([]);
    expect(await commandRows(dryRun.personId)).toEqual([]);
    expect(enrollmentsCreated(dryRun.personId)).toEqual([]);
  });

  it('adds a PIN reset when credentials are added, and keeps every lock when the scope narrows', async () => {
    const own = newMsisdn();
    const rev1 = exposure({ subscriptions: [held(own), held()] });
    await send(rev1);
    await codeOf(rev1.personId);
    const base = { incidentId: rev1.incidentId, personId: rev1.personId, subscriptions: rev1.subscriptions };
    const rev2 = exposure({
      ...base,
      revision: 2,
      change: ExposureChange.WIDENED,
      tier: RiskTier.CRITICAL,
      newCategories: [PiiCategory.CREDENTIALS],
      actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
    });
    const rev3 = exposure({ ...base, revision: 3, change: ExposureChange.RETRACTED, tier: RiskTier.LOW, actions: [] });
    await send(rev2);
    await send(rev3);
    await settle(rev1.personId);

    const rows = await commandRows(rev1.personId);
    expect(rows.map((row) => [row.exposure_revision, row.actions])).toEqual([
      [1, [SIM_SWAP_LOCK, PORT_OUT_LOCK]],
      [1, [SIM_SWAP_LOCK, PORT_OUT_LOCK]],
      [2, [PIN_RESET]],
      [2, [PIN_RESET]],
    ]);
    const [enrollment] = await enrollmentRows(rev1.incidentId);
    const view = await request(app.getHttpServer()).get(`/enrollments/${enrollment!.id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'PENDING_ACTIVATION', tier: 'CRITICAL', narrowedInRevision: 3 });
    expect(view.body.actions).toEqual(['SIM_SWAP_LOCK', 'PORT_OUT_LOCK', 'PIN_RESET', 'FRAUD_MONITORING']);
    // The widened notice waits for its own EnrollmentCreated, with a code of its own; the narrowing gets none.
    await waitForApp(() => enrollmentsCreated(rev1.personId).length === 2, 'a second EnrollmentCreated');
    const created = enrollmentsCreated(rev1.personId);
    expect(created.map((event) => [event.enrollmentId, event.exposureIdempotencyKey])).toEqual([
      [enrollment!.id, rev1.idempotencyKey],
      [enrollment!.id, rev2.idempotencyKey],
    ]);
    expect(created[1]).toMatchObject({
      protectedSubscriptions: 2,
      actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
    });
    const codes = created.map((event) =>
      cipher.decrypt(Buffer.from(event.activationCodeCiphertext), aad.activationCode(event.enrollmentId)),
    );
    expect(codes[0]).not.toBe(codes[1]);
    expect(await codeHashes(enrollment!.id)).toHaveLength(2);
    // Either notice's code starts the person's activation.
    await request(app.getHttpServer()).post('/enrollments/activate').send({ code: codes[1], msisdn: own }).expect(202);
    await waitForApp(
      () => logEntries(rev1.personId).some((entry) => entry.status === 'narrowed_protection_kept'),
      'narrowing logged',
    );
    expect(
      logEntries(rev1.personId)
        .filter((entry) => entry.kind === LogEntryKind.ENROLLMENT_CHANGED)
        .map((entry) => entry.status),
    ).toEqual(expect.arrayContaining(['widened', 'narrowed_protection_kept']));
  });

  it('records acknowledgements and re-sends unacknowledged commands with the same command id', async () => {
    const event = exposure({ subscriptions: [held(), held()] });
    await send(event);
    const [acked, unacked] = await waitForApp(async () => {
      const rows = await commandRows(event.personId);
      return rows.length === 2 && rows;
    }, 'two commands');
    await acknowledge(acked!.subscriber_id, acked!.command_id);
    await waitForApp(
      async () => (await commandRows(event.personId))[0]!.status === 'APPLIED',
      'acknowledgement recorded',
    );
    await acknowledge(acked!.subscriber_id, acked!.command_id, ProtectionOutcome.REJECTED); // a late duplicate changes nothing

    const resent = await waitForApp(
      () =>
        commandsFor(event.personId).find(
          ({ command }) => command.commandId === unacked!.command_id && command.attempt === 2,
        ),
      're-sent command',
      { timeoutMs: 10_000 },
    );
    expect(resent.key).toBe(unacked!.subscriber_id);
    await settle(event.personId);
    const rows = await commandRows(event.personId);
    expect(rows.find((row) => row.command_id === acked!.command_id)).toMatchObject({ status: 'APPLIED', attempt: 1 });
    expect(rows.find((row) => row.command_id === unacked!.command_id)!.attempt).toBeGreaterThanOrEqual(2);
    expect(commandsFor(event.personId).filter(({ command }) => command.commandId === acked!.command_id)).toHaveLength(
      1,
    );
    await waitForApp(
      () => logEntries(event.personId).some((entry) => entry.kind === LogEntryKind.PROTECTION_ACKNOWLEDGED),
      'ack logged',
    );
    expect(
      logEntries(event.personId)
        .filter((entry) => entry.kind === LogEntryKind.PROTECTION_ACKNOWLEDGED)
        .map((entry) => entry.status),
    ).toEqual(['applied']);

    const stranger = randomUUID();
    await acknowledge('SUB-unknown', stranger);
    const [dead] = await waitForApp(
      () =>
        published(deadLetterTopic(GROUP), 'SUB-unknown').length > 0 && published(deadLetterTopic(GROUP), 'SUB-unknown'),
      'dead letter',
    );
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('UNKNOWN_COMMAND');
  });

  it('notifies and commands during a partner outage, then enrolls with the partner exactly once across 503s, timeouts and store-then-500', async () => {
    partner.setFailureMode('outage');
    const duringOutage = exposure();
    const started = Date.now();
    await send(duringOutage);
    await codeOf(duringOutage.personId);
    await waitForApp(() => commandsFor(duringOutage.personId).length === 1, 'command during the outage');
    expect(Date.now() - started).toBeLessThan(5000);
    const [enrollment] = await enrollmentRows(duringOutage.incidentId);
    await waitForApp(async () => {
      const { rows } = await db.query<{ attempts: number }>(
        `SELECT attempts FROM fraud.partner_tasks WHERE enrollment_id = $1`,
        [enrollment!.id],
      );
      return rows[0]!.attempts >= 3; // the third claim comes after two failed calls
    }, 'the partner tried twice during the outage');
    expect(partner.enrollments().filter((record) => record.reference === enrollment!.id)).toEqual([]);

    // The partner stores the enrollment but answers 500, then answers too slowly: each retry must find it, not repeat it.
    partner.setFailureMode('store-then-500');
    await waitForApp(
      () => partner.enrollments().some((record) => record.reference === enrollment!.id),
      'stored at the partner',
    );
    partner.setFailureMode('latency', 1500);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    partner.setFailureMode('none');
    const task = await waitForApp(async () => {
      const { rows } = await db.query<{ status: string; partner_ref: string; attempts: number }>(
        `SELECT status, partner_ref, attempts FROM fraud.partner_tasks WHERE enrollment_id = $1`,
        [enrollment!.id],
      );
      return rows[0]!.status === 'DONE' && rows[0];
    }, 'partner enrollment done');

    const atPartner = partner.enrollments().filter((record) => record.reference === enrollment!.id);
    expect(atPartner).toHaveLength(1);
    expect(task.partner_ref).toBe(atPartner[0]!.id);
    expect(task.attempts).toBeGreaterThanOrEqual(3);
    await waitForApp(
      () => logEntries(duringOutage.personId).some((entry) => entry.status === 'partner_enrolled'),
      'partner logged',
    );
    const entry = logEntries(duringOutage.personId).find((logEntry) => logEntry.status === 'partner_enrolled')!;
    expect(entry).toMatchObject({ channel: LogChannel.MONITORING_PARTNER, providerRef: atPartner[0]!.id });
  });

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
      request(app.getHttpServer()).post('/enrollments/activate').send({ code, msisdn });
    const confirm = (code: string, otp: string) =>
      request(app.getHttpServer()).post('/enrollments/activate/confirm').send({ code, otp });
    /** The challenge's ActivationChallengeIssued, with its secrets opened as the notifier opens them. */
    const issued = async (challengeId: string) => {
      const message = await waitForApp(
        () =>
          published(Topics.fraudChallenges).find(
            (candidate) => decodeBinary(ActivationChallengeIssuedSchema, candidate.value!).challengeId === challengeId,
          ),
        'ActivationChallengeIssued',
      );
      const event = decodeBinary(ActivationChallengeIssuedSchema, message.value!);
      return {
        key: message.key,
        event,
        msisdn: cipher.decrypt(Buffer.from(event.msisdnCiphertext), aad.challengeMsisdn(challengeId)),
        otp: cipher.decrypt(Buffer.from(event.otpCiphertext), aad.oneTimeCode(challengeId)),
      };
    };
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
      await new Promise((resolve) => setTimeout(resolve, 500));
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
      const view = await request(app.getHttpServer()).get(`/enrollments/${person.enrollmentId}`).expect(200);
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
        () => partner.enrollments().some((record) => record.reference === optingOut.enrollmentId),
        'enrolled at the partner',
      );
      const optedOut = await request(app.getHttpServer())
        .post(`/enrollments/${optingOut.enrollmentId}/opt-out`)
        .expect(200);
      expect(optedOut.body).toMatchObject({ status: 'OPTED_OUT', commands: [{ status: 'SENT' }] });
      await waitForApp(
        () =>
          partner.enrollments().find((record) => record.reference === optingOut.enrollmentId)?.status === 'cancelled',
        'cancelled at the partner',
      );
      await request(app.getHttpServer()).post(`/enrollments/${optingOut.enrollmentId}/opt-out`).expect(200);

      const late = await enroll([newMsisdn()]);
      await db.query(`UPDATE fraud.enrollments SET enroll_by = now() - interval '1 minute' WHERE id = $1`, [
        late.enrollmentId,
      ]);
      await waitForApp(
        async () => (await enrollmentRows(late.event.incidentId))[0]!.status === 'EXPIRED',
        'expired by the sweeper',
      );
      expect((await activate(late.code, newMsisdn()).expect(409)).body.code).toBe('NOT_ACTIVATABLE');
      await request(app.getHttpServer()).get('/enrollments/not-an-id').expect(404);
      const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/fraud_protection_commands_unacknowledged\{[^}]*\} \d+/);
      const health = await request(app.getHttpServer()).get('/health').expect(200);
      expect(health.body.checks).toEqual({ postgres: 'up', kafka: 'up' });
    });
  });
  describe('pause and resume', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('holds the commands and partner enrollments of a paused incident, sends each once on resume, and obeys only its newest control', async () => {
      const incidentId = `INC-${randomUUID().slice(0, 8)}`;
      const [resumedElsewhere, pausedElsewhere] = [
        `INC-${randomUUID().slice(0, 8)}`,
        `INC-${randomUUID().slice(0, 8)}`,
      ];

      // Commanded before the pause: that command stays sent, and its re-send waits out the pause.
      const early = exposure({ incidentId });
      await send(early);
      await waitForApp(() => commandsFor(early.personId).length === 1, 'the command sent before the pause');

      const pausedAt = new Date();
      const pauseId = randomUUID();
      await control(incidentId, ControlAction.PAUSED, pausedAt, pauseId);
      await waitForApp(async () => (await controlRow(incidentId))?.paused === true, 'the pause recorded');
      // Due at once; a re-send already under way waits for this update, so the attempt read after it is final.
      await db.query(`UPDATE fraud.protection_commands SET next_send_at = now() WHERE person_id = $1`, [
        early.personId,
      ]);
      const earlyAttempt = (await commandRows(early.personId))[0]!.attempt;

      const highNumbers = [newMsisdn(), newMsisdn()];
      const high = exposure({ incidentId, subscriptions: [held(highNumbers[0]), held(highNumbers[1]), recycled()] });
      const critical = exposure({
        incidentId,
        tier: RiskTier.CRITICAL,
        categories: [PiiCategory.CNIC, PiiCategory.CREDENTIALS],
        actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
        subscriptions: [held(), recycled()],
      });
      await send(high);
      await send(critical);

      // Recorded and minted while paused, so the held notice carries the code once the incident resumes.
      await codeOf(high.personId);
      await codeOf(critical.personId);
      const enrollments = (await enrollmentRows(incidentId)).filter((row) => row.person_id !== early.personId);
      expect(enrollments.map((row) => row.person_id).sort()).toEqual([high.personId, critical.personId].sort());
      for (const row of enrollments) expect(await codeHashes(row.id)).toHaveLength(1);
      expect(enrollmentsCreated(high.personId)[0]).toMatchObject({ protectedSubscriptions: 2 });

      // A resume decided before the pause arrives late; another incident resumes. Neither lets anything go.
      await control(incidentId, ControlAction.RESUMED, new Date(pausedAt.getTime() - 60_000));
      await control(resumedElsewhere, ControlAction.RESUMED, new Date(pausedAt.getTime() + 60_000));
      // Another incident paused, and still paused once this one resumes: it must not hold anything of this one.
      await control(pausedElsewhere, ControlAction.PAUSED, new Date(pausedAt.getTime() + 60_000));
      await settleControls(incidentId);
      await waitForApp(
        async () =>
          (await controlRow(resumedElsewhere))?.paused === false &&
          (await controlRow(pausedElsewhere))?.paused === true,
        "the other incidents' controls",
      );
      expect(await controlRow(incidentId)).toEqual({ paused: true, control_id: pauseId });
      // Many scheduler rounds (100 ms) and partner retry delays: nothing may leave meanwhile.
      await sleep(2000);

      expect(commandsFor(high.personId)).toEqual([]);
      expect(commandsFor(critical.personId)).toEqual([]);
      expect((await commandRows(early.personId))[0]!.attempt).toBe(earlyAttempt);
      expect(commandsFor(early.personId).filter(({ command }) => command.attempt > earlyAttempt)).toEqual([]);
      expect((await commandRows(high.personId)).map((row) => row.status)).toEqual(['HELD', 'HELD']);
      expect((await commandRows(critical.personId)).map((row) => row.status)).toEqual(['HELD']);
      const enrollmentIds = enrollments.map((row) => row.id);
      for (const id of enrollmentIds) expect(atPartner(id)).toEqual([]);
      expect((await partnerTasks(enrollmentIds)).map((task) => [task.status, task.attempts])).toEqual([
        ['PENDING', 0],
        ['PENDING', 0],
      ]);
      expect(logEntries(high.personId).filter((entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT)).toEqual(
        [],
      );
      expect(
        logEntries(high.personId).find((entry) => entry.kind === LogEntryKind.ENROLLMENT_CREATED)?.detail,
      ).toContain('held_while_paused=true');

      await control(incidentId, ControlAction.RESUMED, new Date(pausedAt.getTime() + 1000));
      await waitForApp(
        () => commandsFor(high.personId).length >= 2 && commandsFor(critical.personId).length >= 1,
        'the held commands sent on resume',
      );
      await waitForApp(
        () => enrollmentIds.every((id) => atPartner(id).length > 0),
        'the partner enrollments on resume',
      );
      await waitForApp(
        () => commandsFor(early.personId).some(({ command }) => command.attempt === earlyAttempt + 1),
        'the re-send that waited out the pause',
      );
      await waitForApp(
        async () => (await partnerTasks(enrollmentIds)).every((task) => task.status === 'DONE'),
        'partner tasks done',
      );

      // Exactly one command per number still held, each a first attempt of the command recorded while paused.
      const highRows = await commandRows(high.personId);
      const firstSends = (personId: string) => commandsFor(personId).filter(({ command }) => command.attempt === 1);
      expect(
        firstSends(high.personId)
          .map(({ key, command }) => [key, command.commandId])
          .sort(),
      ).toEqual(highRows.map((row) => [row.subscriber_id, row.command_id]).sort());
      expect(highRows.map((row) => row.subscriber_id).sort()).toEqual(
        high.subscriptions
          .filter((subscription) => subscription.stillHeld)
          .map((subscription) => subscription.subscriberId)
          .sort(),
      );
      for (const { command } of firstSends(high.personId)) {
        expect(command.actions).toEqual([SIM_SWAP_LOCK, PORT_OUT_LOCK]);
        expect(highNumbers).toContain(cipher.decrypt(Buffer.from(command.msisdnCiphertext), aad.msisdn));
      }
      expect(firstSends(critical.personId).map(({ command }) => command.actions)).toEqual([
        [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET],
      ]);
      expect((await commandRows(critical.personId)).map((row) => row.status)).toEqual(['SENT']);
      for (const id of enrollmentIds) expect(atPartner(id)).toHaveLength(1);
      await waitForApp(
        () =>
          logEntries(high.personId).filter(
            (entry) => entry.kind === LogEntryKind.PROTECTION_COMMAND_SENT && entry.status === 'sent',
          ).length === 2,
        'the sends logged',
      );
    });
    it('sends held commands in the order they were decided, and queues commands decided after resume behind them', async () => {
      const incidentId = `INC-${randomUUID().slice(0, 8)}`;
      const pausedAt = new Date();
      await control(incidentId, ControlAction.PAUSED, pausedAt);
      await waitForApp(async () => (await controlRow(incidentId))?.paused === true, 'the pause recorded');
      const rev1 = exposure({ incidentId, subscriptions: [held(), held()] });
      await send(rev1);
      await codeOf(rev1.personId);

      // The release job locks held rows before it sends them: holding their locks keeps the backlog in place.
      const blocker = new Client({ connectionString: TEST_DATABASE_URL });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM fraud.protection_commands WHERE person_id = $1 FOR UPDATE', [rev1.personId]);
        await control(incidentId, ControlAction.RESUMED, new Date(pausedAt.getTime() + 1000));
        await waitForApp(async () => (await controlRow(incidentId))?.paused === false, 'the resume recorded');
        const rev2 = exposure({
          incidentId,
          personId: rev1.personId,
          subscriptions: rev1.subscriptions,
          revision: 2,
          change: ExposureChange.WIDENED,
          tier: RiskTier.CRITICAL,
          newCategories: [PiiCategory.CREDENTIALS],
          actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING],
        });
        await send(rev2);
        await waitForApp(() => enrollmentsCreated(rev1.personId).length === 2, "the widening's EnrollmentCreated");
        // Resumed, but the first revision's commands are not out yet: the PIN resets wait behind them.
        expect((await commandRows(rev1.personId)).map((row) => [row.exposure_revision, row.status])).toEqual([
          [1, 'HELD'],
          [1, 'HELD'],
          [2, 'HELD'],
          [2, 'HELD'],
        ]);
        expect(commandsFor(rev1.personId)).toEqual([]);
      } finally {
        await blocker.query('COMMIT');
        await blocker.end();
      }

      const firstSends = () => commandsFor(rev1.personId).filter(({ command }) => command.attempt === 1);
      await waitForApp(() => firstSends().length === 4, 'the four held commands sent');
      for (const { subscriberId } of rev1.subscriptions) {
        // One partition per key: the order received is the order sent.
        expect(
          firstSends()
            .filter(({ key }) => key === subscriberId)
            .map(({ command }) => command.actions),
        ).toEqual([[SIM_SWAP_LOCK, PORT_OUT_LOCK], [PIN_RESET]]);
      }
    });
  });
});
