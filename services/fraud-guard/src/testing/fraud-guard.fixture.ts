// The fraud-guard integration specs' shared fixture: the app on the real PostgreSQL and Kafka, the
// monitoring-partner stand-in, a collector of what fraud-guard publishes, and the helpers that send
// events and read what came of them. Each spec file calls fraudGuardFixture() once at its top level.
import { randomBytes, randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import {
  ActivationChallengeIssuedSchema,
  ControlAction,
  EnrollmentCreatedSchema,
  IncidentControlSchema,
  NotificationLogEntrySchema,
  PersonExposedSchema,
  ProtectionAckSchema,
  ProtectionCommandSchema,
  ProtectionOutcome,
  ProtectiveAction,
  Topics,
  decodeBinary,
  type PersonExposed,
} from '@bnp/contracts';
import { DeadLetterSeal, deadLetterTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import {
  KafkaTestClient,
  TEST_DATABASE_URL,
  describeLag,
  keycloakToken,
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
} from '../../../../deploy/local/monitoring-partner/src';
import { SecretHasher } from '../activation/activation-code';
import { createFraudGuardApp } from '../app';
import { loadFraudGuardConfig, type FraudGuardConfig } from '../config';
import { aad } from '../pii-context';

// A group of its own per run: another run on the same broker must not share its partitions.
/** A care agent (Keycloak user carol), with the reason care must give to read or change a person's enrollment. */
export async function careHeaders(): Promise<Record<string, string>> {
  const { accessToken } = await keycloakToken({ username: 'carol' });
  return { authorization: `Bearer ${accessToken}`, 'X-Access-Reason': 'the customer called the helpline' };
}

export const GROUP = `fraud-guard-it-${randomUUID().slice(0, 8)}`;
export const CONTROL_GROUP = `${GROUP}-control`;
export const CODE_KEY = randomBytes(32);
export const { SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING } = ProtectiveAction;
export const hasher = new SecretHasher(CODE_KEY);

import { cipher, exposure } from './exposure-events';

export { cipher, exposure, held, newMsisdn, recycled } from './exposure-events';

/**
 * Registers beforeAll/afterAll that start and stop fraud-guard for the calling spec file; returns its helpers.
 * `env` overrides the fixture's settings (e.g. a spec's own throttling limits).
 */
export function fraudGuardFixture(env: Record<string, string> = {}) {
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
        ...env,
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

  /** A challenge's ActivationChallengeIssued, with its secrets opened as the notifier opens them. */
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

  /** Sends a dry-run exposure for the same person (same partition) and waits until it is recorded: everything before it was handled. */
  const settle = async (personId: string) => {
    const marker = exposure({ personId, dryRun: true, idempotencyKey: `marker:${randomUUID()}` });
    await send(marker);
    await waitForApp(() => dryRunRecorded(marker.idempotencyKey), 'the marker recorded');
  };

  return {
    get kafka() {
      return kafka;
    },
    get partner() {
      return partner;
    },
    get config() {
      return config;
    },
    get app() {
      return app;
    },
    get db() {
      return db;
    },
    restart: async () => {
      await app.close();
      app = await startApp();
    },
    send,
    control,
    acknowledge,
    explain,
    waitForApp,
    published,
    enrollmentsCreated,
    commandsFor,
    logEntries,
    enrollmentRows,
    codeHashes,
    commandRows,
    dryRunRecorded,
    unpublished,
    controlRow,
    partnerTasks,
    atPartner,
    settleControls,
    codeOf,
    issued,
    settle,
  };
}

export type FraudGuardFixture = ReturnType<typeof fraudGuardFixture>;
