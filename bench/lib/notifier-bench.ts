// The notifier as the dispatch benchmarks run it: its own process(es) on a fresh database, a Twilio stand-in
// limited to L segments per second (with faults if asked), the SMTP sink, topics under a run prefix and a
// producer; close() stops all of it and deletes the run's topics and database.
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Client } from 'pg';
import { TEST_PII_KEYS } from '@bnp/testing';
import { createSmtpSink, type SmtpSink } from '@bnp/smtp-sink';
import { createTwilioStandIn, type TwilioStandIn, type TwilioStandInOptions } from '@bnp/twilio-stand-in';
import {
  freePort,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_FROM,
  TEST_LOG_HMAC_KEY,
} from '@bnp/notifier/src/testing/harness';
import { notifierTopics } from '@bnp/notifier/src/shared/topics';
import { freshBenchDatabase } from './bench-db';
import { benchKafka } from './bench-env';
import { startService, type ServiceProcess } from './processes';

export interface NotifierBenchOptions {
  /** The bench database's name (dropped and made fresh). */
  database: string;
  /** The sender's limit in segments per second, for the stand-in and the notifier alike. */
  limit: number;
  instances?: number;
  faults?: TwilioStandInOptions['faults'];
  /** Settings beside the common ones (they win). */
  env?: Record<string, string>;
}

export interface NotifierBench {
  run: string;
  db: Client;
  standIn: TwilioStandIn;
  topics: ReturnType<typeof notifierTopics>;
  /** The notifier's consumer group and its notification-log writer's. */
  groups: [string, string];
  kafka: Kafka;
  /** At least one: the first serves the public URL (status callbacks). */
  notifiers: [ServiceProcess, ...ServiceProcess[]];
  produce(topic: string, messages: { key: string; value: Buffer }[]): Promise<void>;
  close(): Promise<void>;
}

export async function startNotifierBench(options: NotifierBenchOptions): Promise<NotifierBench> {
  const run = randomUUID().slice(0, 8);
  const { url, db, drop } = await freshBenchDatabase(options.database);
  const standIn = await createTwilioStandIn({
    host: '127.0.0.1',
    port: 0,
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    stateFile: null,
    segmentsPerSecond: options.limit,
    maxConcurrency: 200,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  // The sink keeps only the last few thousand mails; emails are counted from the notifier's deliveries.
  const sink: SmtpSink = await createSmtpSink({ smtpPort: 0, httpPort: 0, maxMessages: 2000 });
  // A topic prefix and fresh groups: the shared broker's contract topics are left untouched.
  const prefix = `bench-${run}.`;
  const groups: [string, string] = [`bench-notifier-${run}`, `bench-notification-log-${run}`];
  const publicPort = await freePort();
  const start = (instance: number, port: number) =>
    startService('notifier', port, {
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
      ...TEST_PII_KEYS,
      NOTIFIER_LOG_HMAC_KEY: TEST_LOG_HMAC_KEY,
      NOTIFIER_INSTANCE_ID: `bench-${run}-${instance}`,
      NOTIFIER_CONSUMER_GROUP: groups[0],
      NOTIFIER_LOG_WRITER_GROUP: groups[1],
      NOTIFIER_TOPIC_PREFIX: prefix,
      NOTIFIER_PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
      // The run may fall in Pakistan's night; quiet hours would hold LOW and MEDIUM until morning.
      NOTIFIER_QUIET_HOURS: 'off',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: TEST_FROM,
      TWILIO_API_BASE_URL: standIn.url,
      TWILIO_SEGMENTS_PER_SECOND: String(options.limit),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.smtpPort),
      ...options.env,
    });
  const notifiers: [ServiceProcess, ...ServiceProcess[]] = [await start(0, publicPort)];
  for (let i = 1; i < (options.instances ?? 1); i++) notifiers.push(await start(i, await freePort()));
  const kafka = benchKafka(`bench-${run}`);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();

  return {
    run,
    db,
    standIn,
    topics: notifierTopics(prefix),
    groups,
    kafka,
    notifiers,
    async produce(topic, messages) {
      for (let start = 0; start < messages.length; start += 2000) {
        await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 2000) });
      }
    },
    async close() {
      await producer.disconnect();
      await Promise.all(notifiers.map((service) => service.stop()));
      await standIn.close();
      await sink.close();
      const admin = kafka.admin();
      await admin.connect();
      const owned = (await admin.listTopics()).filter((topic) => topic.includes(run));
      if (owned.length > 0) await admin.deleteTopics({ topics: owned, timeout: 30_000 }).catch(() => undefined);
      await admin.disconnect();
      await drop();
    },
  };
}
