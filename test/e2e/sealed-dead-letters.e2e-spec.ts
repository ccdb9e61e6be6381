// After bad inputs at intake and at the inventory feed, every retry and dead-letter topic on the broker is read
// from the beginning: none may hold a plain MSISDN, CNIC, email or name (ADR 0015). The services run as their
// own processes, as deployed, with retry tiers short enough for copies to pass through every tier.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  AccountStatus,
  BreachReportedSchema,
  InventoryChangedSchema,
  LineType,
  PiiCategory,
  Region,
  Topics,
} from '@bnp/contracts';
import { DeadLetterSeal, FailureHeaders, deadLetterTopic } from '@bnp/messaging';
import { FieldCipher, parseKeyRing, redactPiiInText } from '@bnp/pii';
import { KafkaTestClient, TEST_PII_KEYS, startGroupAtEnd, testEnv, waitFor, type CollectedMessage } from '@bnp/testing';
import { ServiceProcess, freePort } from './stack';

const run = randomUUID().slice(0, 6);
const GROUPS = { intake: `intake-sealed-${run}`, exposure: `exposure-sealed-${run}` };
const FAILURE_TOPIC = /^bnp\..+\.(retry\.\d+|dlt)$/;
// Headers that carry numbers by design (offsets, epoch milliseconds) and would read as CNICs to the text detector.
const NUMERIC_HEADERS = new Set<string>([
  FailureHeaders.originalOffset,
  FailureHeaders.originalTimestamp,
  FailureHeaders.notBefore,
  FailureHeaders.originalPartition,
  FailureHeaders.attempt,
]);

const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');
const msisdn = () => `0345${digits(7)}`;
const cnic = () => `${randomInt(1, 10)}${digits(4)}-${digits(7)}-${digits(1)}`;
const names = ['Zarmina Qureshi', 'Shehryar Baloch', 'Gulalai Wazir'];
/** Every plain value sent, in the forms a leak could take. */
const plain: string[] = [...names];
const remember = <T extends string>(value: T, ...forms: string[]) => (plain.push(value, ...forms), value);

/** What of `text` looks like personal data: the exact values sent, and anything the PII detectors mask. */
function leaks(text: string, detect: boolean): string[] {
  const exact = plain.filter((value) => text.includes(value));
  return detect && redactPiiInText(text) !== text ? [...exact, 'detector'] : exact;
}

describe('retry and dead-letter topics after bad inputs', () => {
  const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));
  const services: ServiceProcess[] = [];
  let kafka: KafkaTestClient;

  beforeAll(async () => {
    kafka = new KafkaTestClient();
    await startGroupAtEnd(kafka.kafka, GROUPS.intake, [Topics.breachEvents]);
    await startGroupAtEnd(kafka.kafka, GROUPS.exposure, [Topics.incidentRevisions, Topics.inventoryChanges]);
    const logs = mkdtempSync(join(tmpdir(), `bnp-sealed-${run}-`));
    const common = { ...(testEnv() as Record<string, string>), LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' };
    const [intakePort, exposurePort] = await Promise.all([freePort(), freePort()]);
    services.push(
      ServiceProcess.start(
        'breach-intake',
        'services/breach-intake/src/main.ts',
        intakePort,
        { ...common, INTAKE_CONSUMER_GROUP: GROUPS.intake, INTAKE_RETRY_DELAYS_MS: '200,400' },
        join(logs, 'breach-intake.log'),
      ),
      ServiceProcess.start(
        'exposure',
        'services/exposure/src/main.ts',
        exposurePort,
        { ...common, EXPOSURE_CONSUMER_GROUP: GROUPS.exposure, EXPOSURE_RETRY_DELAYS_MS: '200,400' },
        join(logs, 'exposure.log'),
      ),
    );
    await Promise.all(services.map((service) => service.ready(120_000)));
    await kafka.collect([deadLetterTopic(GROUPS.intake), deadLetterTopic(GROUPS.exposure)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await kafka?.close();
  });

  const breach = (key: string, msisdns: string[]) =>
    kafka.send(Topics.breachEvents, [
      {
        key,
        value: Buffer.from(
          toBinary(
            BreachReportedSchema,
            create(BreachReportedSchema, {
              eventId: randomUUID(),
              incidentId: `INC-${run}-${randomUUID().slice(0, 6)}`,
              revision: 1,
              detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
              occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
              compromisedAssets: [
                {
                  assetId: 'billing.payment_methods',
                  categories: [PiiCategory.MSISDN],
                  scope: { kind: { case: 'msisdns', value: { msisdns } } },
                },
              ],
              reporter: 'soc-siem',
            }),
          ),
        ),
      },
    ]);

  const upsert = (key: string, subscriberId: string, person: { cnic: string; name: string; msisdn: string }) =>
    kafka.send(Topics.inventoryChanges, [
      {
        key,
        value: Buffer.from(
          toBinary(
            InventoryChangedSchema,
            create(InventoryChangedSchema, {
              eventId: randomUUID(),
              occurredAt: timestampFromMs(Date.now() - 60_000),
              source: 'it',
              change: {
                case: 'subscriberUpserted',
                value: {
                  subscriberId,
                  ...person,
                  email: remember(`${person.name.split(' ')[0]!.toLowerCase()}.${run}@example.pk`),
                  language: 'ur',
                  region: Region.PUNJAB,
                  lineType: LineType.CONSUMER,
                  accountStatus: AccountStatus.ACTIVE,
                },
              },
            }),
          ),
        ),
      },
    ]);

  it('finds no plain MSISDN, CNIC, email or name on any retry or dead-letter topic', async () => {
    // Intake: an MSISDN list with one bad number, and one under the wrong key (both dead-lettered at once).
    const numbers = [remember(msisdn()), remember(msisdn()), remember('042-35761234', '35761234')];
    await breach(`INC-${run}-x`, numbers);
    await breach(`INC-${run}-wrong-key`, numbers.slice(0, 2));
    // Inventory: a subscriber, a second one taking its number (NUMBER_IN_USE: every retry tier, then the
    // dead-letter topic), and one under the wrong key.
    const taken = remember(msisdn());
    const first = { cnic: remember(cnic()), name: names[0]!, msisdn: taken };
    await upsert(`S1-${run}`, `S1-${run}`, first);
    await upsert(`S2-${run}`, `S2-${run}`, { cnic: remember(cnic()), name: names[1]!, msisdn: taken });
    await upsert('not-the-subscriber', `S3-${run}`, {
      cnic: remember(cnic()),
      name: names[2]!,
      msisdn: remember(msisdn()),
    });
    for (const value of [...plain]) if (/^\d{5}-\d{7}-\d$/.test(value)) plain.push(value.replace(/-/g, ''));

    const intakeDead = await waitFor(
      () =>
        kafka.messages(deadLetterTopic(GROUPS.intake)).length >= 2 && kafka.messages(deadLetterTopic(GROUPS.intake)),
      'two intake dead letters',
      { timeoutMs: 30_000 },
    );
    const exposureDead = await waitFor(
      () =>
        kafka.messages(deadLetterTopic(GROUPS.exposure)).length >= 2 &&
        kafka.messages(deadLetterTopic(GROUPS.exposure)),
      'two exposure dead letters (one after every retry tier)',
      { timeoutMs: 30_000 },
    );
    expect(exposureDead.map((message) => message.headers[FailureHeaders.errorCode]).sort()).toEqual([
      'KEY_MISMATCH',
      'NUMBER_IN_USE',
    ]);
    // The detector sees what is there to see: the opened copies hold the plain values.
    const opened = [...intakeDead, ...exposureDead].map((message) =>
      new DeadLetterSeal(cipher, message.headers[FailureHeaders.consumerGroup]!)
        .open(message.value, message.headers)!
        .toString('latin1'),
    );
    expect(opened.flatMap((text) => leaks(text, true)).length).toBeGreaterThan(0);

    const scanned = await readEveryFailureTopic(kafka);
    const found = scanned.flatMap((message) => [
      ...leaks(message.value?.toString('latin1') ?? '', true).map((what) => `${message.topic} value: ${what}`),
      ...Object.entries(message.headers).flatMap(([name, value]) =>
        leaks(value, !NUMERIC_HEADERS.has(name as never)).map((what) => `${message.topic} header ${name}: ${what}`),
      ),
    ]);
    expect(scanned.filter((message) => /\.retry\.\d+$/.test(message.topic)).length).toBeGreaterThanOrEqual(2);
    expect(scanned.filter((message) => message.topic.endsWith('.dlt')).length).toBeGreaterThanOrEqual(4);
    expect(found).toEqual([]);
  });
});

/** Every message on every retry and dead-letter topic, from the beginning to the end each partition has now. */
async function readEveryFailureTopic(client: KafkaTestClient): Promise<CollectedMessage[]> {
  const admin = client.kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => FAILURE_TOPIC.test(topic));
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) ends.set(`${topic}:${partition}`, BigInt(high));
    }
  }
  await admin.disconnect();
  const messages: CollectedMessage[] = [];
  if (ends.size === 0) return messages;
  const consumer = client.kafka.consumer({ groupId: `failure-topic-scan-${randomUUID()}` });
  const left = new Set(ends.keys());
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          const first = Array.isArray(value) ? value[0] : value;
          if (first !== undefined) headers[name] = first.toString();
        }
        messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers,
        });
        const at = `${topic}:${partition}`;
        if (BigInt(message.offset) + 1n >= (ends.get(at) ?? 0n)) left.delete(at);
      },
    });
    await waitFor(() => left.size === 0, `every retry and dead-letter partition read to its end`, {
      timeoutMs: 60_000,
      explain: async () => `still reading ${[...left].join(', ')}; ${messages.length} message(s) so far`,
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
