// Test data for care-api's integration and console specs: people exposed on Kafka as the owning services
// publish them, and the owning services' lookup contracts.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client } from 'pg';
import {
  CareCodeIssuedSchema,
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
  decodeBinary,
  encodeMessage,
} from '@bnp/contracts';
import { BlindIndexer, FieldCipher, maskMsisdn, parseKeyRing } from '@bnp/pii';
import { TEST_PII_KEYS, waitFor, type KafkaTestClient } from '@bnp/testing';
import { CareCodeAad } from '../verification/care-code.message';

export const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
export const indexer = new BlindIndexer(Buffer.from(TEST_PII_KEYS.PII_BLIND_INDEX_KEY, 'base64'));

let counter = Math.floor(Math.random() * 9_000_000);
export const newMsisdn = () => `+92321${String((counter = (counter + 7919) % 10_000_000)).padStart(7, '0')}`;
/** The national spelling an agent would type: 0321-1234567. */
export const national = (e164: string) => `0${e164.slice(3, 6)}-${e164.slice(6)}`;

/**
 * The exposure service's directory lookup, the notifier's reference lookup and fraud-guard's opt-out, as
 * their contracts say (services/exposure/src/directory, services/notifier/src/notice/notice-reference.controller.ts,
 * services/fraud-guard/src/enrollment/enrollment.controller.ts; each has its own spec): who holds a blind index today. It records what care sent, to prove no plain value travels.
 */
export class OwnersContract {
  readonly holders = new Map<string, { personId: string; numbers: { subscriberId: string; msisdnMasked: string }[] }>();
  readonly received: { path: string; authorization: string; reason: string; body: string }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const reason = String(req.headers['x-access-reason'] ?? '');
        this.received.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '', reason, body });
        const optOut = /^\/enrollments\/([^/]+)\/opt-out$/.exec(req.url ?? '');
        if (optOut && req.method === 'POST') {
          // fraud-guard's answer (services/fraud-guard/src/enrollment, EnrollmentView), for staff with a reason.
          res.writeHead(reason ? 200 : 400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ enrollmentId: optOut[1], status: 'opted_out', optedOutAt: new Date().toISOString() }),
          );
          return;
        }
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

/** A person exposed in a new incident, holding one number and formerly holding another (recycled since). */
export function exposedPerson(owners: OwnersContract) {
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
  return { personId, incidentId, held, recycled, subscriberId, enrollmentId: randomUUID(), event };
}

export type ExposedPerson = ReturnType<typeof exposedPerson>;

export const logEntry = (
  person: { personId: string; incidentId: string },
  kind: LogEntryKind,
  status: string,
  more: { errorCode?: string; subjectId?: string; channel?: LogChannel; at?: number; templateId?: string } = {},
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
      templateId: more.templateId ?? 'breach.sms.ur',
      templateVersion: '4',
      recipientMasked: '+92 3** *** **11',
      errorCode: more.errorCode ?? '',
    }),
  ),
});

/** Publishes the exposure (twice), three notice log entries and the enrollment; waits until care holds them. */
export async function fed(kafka: KafkaTestClient, db: Client, person: ExposedPerson) {
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
          enrollmentId: person.enrollmentId,
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

/**
 * The care code of a person's latest verification (or of `verificationId`) as their phone would show it: the
 * CareCodeIssued care-api published, opened as the notifier opens it. `kafka` must collect care.challenges.v1.
 */
export function textedCareCode(kafka: KafkaTestClient, match: { personId?: string; verificationId?: string }) {
  return waitFor(
    () => {
      const message = kafka
        .messages(Topics.careChallenges)
        .map((m) => decodeBinary(CareCodeIssuedSchema, m.value!))
        .filter(
          (m) =>
            (!match.personId || m.personId === match.personId) &&
            (!match.verificationId || m.verificationId === match.verificationId),
        )
        .at(-1);
      return message
        ? {
            code: cipher.decrypt(Buffer.from(message.codeCiphertext), CareCodeAad.code(message.verificationId)),
            msisdn: cipher.decrypt(Buffer.from(message.msisdnCiphertext), CareCodeAad.msisdn(message.verificationId)),
            message,
          }
        : undefined;
    },
    `a care code on ${Topics.careChallenges} for ${JSON.stringify(match)}`,
  );
}
