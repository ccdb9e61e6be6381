// Starts what the notifier talks to (Twilio stand-in, SMTP sink) in-process on random ports, and the
// notifier itself (in-process or as a child process), isolated on the shared broker by a topic prefix
// and its own consumer groups. Used by the integration specs and the dispatch benchmark.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { deadLetterTopic, retryTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import { TEST_DATABASE_URL, testEnv, waitForConsumed, type SentRecord } from '@bnp/testing';
// The stand-ins are local tools, not libraries: tests reach them by path, as their READMEs say.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../../../../deploy/local/smtp-sink/src';
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  createTwilioStandIn,
  type StoredMessage,
  type TwilioStandIn,
  type TwilioStandInOptions,
} from '../../../../deploy/local/twilio-stand-in/src';
import { createNotifierApp } from '../app';
import { loadNotifierConfig } from '../config';
import { notifierTopics, type NotifierTopics } from '../shared/topics';

export const TEST_ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const TEST_AUTH_TOKEN = 'notifier-test-auth-token';
export const TEST_FROM = '+15005550006';
export const TEST_LOG_HMAC_KEY = Buffer.alloc(32, 11).toString('base64');

export interface HarnessOptions {
  standIn?: TwilioStandInOptions;
  sink?: SmtpSinkOptions;
  /** Overrides of the notifier's environment. */
  env?: Record<string, string>;
  databaseUrl?: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class NotifierHarness {
  app?: INestApplication;
  private readonly others: INestApplication[] = [];
  readonly topics: NotifierTopics;
  private producer?: import('kafkajs').Producer;

  private constructor(
    readonly id: string,
    readonly standIn: TwilioStandIn,
    readonly sink: SmtpSink,
    readonly db: Pool,
    readonly kafka: Kafka,
    readonly env: Record<string, string>,
  ) {
    this.topics = notifierTopics(env.NOTIFIER_TOPIC_PREFIX ?? '');
  }

  static async start(options: HarnessOptions = {}): Promise<NotifierHarness> {
    const id = randomUUID().slice(0, 8);
    const standIn = await createTwilioStandIn({
      host: '127.0.0.1',
      port: 0,
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      stateFile: null,
      sentDelayMs: 5,
      deliveredDelayMs: 10,
      segmentsPerSecond: 2000,
      ...options.standIn,
    });
    const sink = await createSmtpSink({ smtpPort: 0, httpPort: 0, maxMessages: 100_000, ...options.sink });
    const port = await freePort();
    const databaseUrl = options.databaseUrl ?? TEST_DATABASE_URL;
    const env: Record<string, string> = {
      ...(testEnv() as Record<string, string>),
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NOTIFIER_PUBLIC_URL: `http://127.0.0.1:${port}`,
      NOTIFIER_LOG_HMAC_KEY: TEST_LOG_HMAC_KEY,
      NOTIFIER_INSTANCE_ID: `it-${id}`,
      NOTIFIER_CONSUMER_GROUP: `notifier-it-${id}`,
      NOTIFIER_LOG_WRITER_GROUP: `notification-log-it-${id}`,
      NOTIFIER_TOPIC_PREFIX: `it-${id}.`,
      NOTIFIER_RETRY_DELAYS_MS: '200,400',
      NOTIFIER_QUIET_HOURS: 'off',
      NOTIFIER_SETTLE_MS: '100',
      NOTIFIER_POLL_INTERVAL_MS: '100',
      NOTIFIER_LEASE_MS: '5000',
      NOTIFIER_RECONCILE_GRACE_MS: '300',
      NOTIFIER_ENROLLMENT_MAX_WAIT_MS: '2500',
      NOTIFIER_RETRY_BASE_MS: '100',
      NOTIFIER_RETRY_MAX_MS: '1000',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: TEST_FROM,
      TWILIO_API_BASE_URL: standIn.url,
      TWILIO_REQUEST_TIMEOUT_MS: '1000',
      TWILIO_SEGMENTS_PER_SECOND: '1000',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.smtpPort),
      ...options.env,
    };
    const db = new Pool({ connectionString: databaseUrl, max: 4 });
    const kafka = new Kafka({
      brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: `notifier-it-${id}`,
      logLevel: logLevel.NOTHING,
    });
    return new NotifierHarness(id, standIn, sink, db, kafka, env);
  }

  /** Starts the notifier in this process. */
  async startNotifier(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const config = loadNotifierConfig({ ...this.env, ...overrides });
    const { app } = await createNotifierApp(config, createLogger('notifier', config.LOG_LEVEL));
    await app.listen(config.PORT, '127.0.0.1');
    await app.startAllMicroservices();
    this.app = app;
    return app;
  }

  async stopNotifier(): Promise<void> {
    await Promise.all(this.others.splice(0).map((app) => app.close()));
    await this.app?.close();
    this.app = undefined;
  }

  /**
   * Starts one more notifier instance in this process: the same database, topics and consumer groups,
   * its own instance id and port (Twilio's callbacks still go to the first instance's public URL).
   */
  async startAnotherInstance(name: string): Promise<INestApplication> {
    const port = await freePort();
    const config = loadNotifierConfig({
      ...this.env,
      PORT: String(port),
      NOTIFIER_INSTANCE_ID: `${this.env.NOTIFIER_INSTANCE_ID ?? 'it'}-${name}`,
    });
    const { app } = await createNotifierApp(config, createLogger('notifier', config.LOG_LEVEL));
    await app.listen(config.PORT, '127.0.0.1');
    await app.startAllMicroservices();
    this.others.push(app);
    return app;
  }

  /** Produces `messages`; returns, per partition written, an offset at or past the last of them (for `consumed`). */
  async send(topic: string, messages: { key: string; value: Buffer }[]): Promise<SentRecord[]> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const partitions = new Set<number>();
    for (let start = 0; start < messages.length; start += 2000) {
      const written = await this.producer.send({ topic, acks: -1, messages: messages.slice(start, start + 2000) });
      for (const { partition } of written) partitions.add(partition);
    }
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      return ends
        .filter(({ partition }) => partitions.has(partition))
        .map(({ partition, high }) => ({ topic, partition, offset: String(Number(high) - 1) }));
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the notifier's consumer group has committed past `sent`: it handled those messages. */
  async consumed(sent: SentRecord[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitForConsumed(admin, this.env.NOTIFIER_CONSUMER_GROUP ?? '', sent);
    } finally {
      await admin.disconnect();
    }
  }

  /** SMS the stand-in accepted for `to`, oldest first. */
  smsTo(to: string): StoredMessage[] {
    return this.standIn.admin.messages(to);
  }

  emailsTo(address: string) {
    return this.sink.store.list({ to: address, offset: 0, limit: 1000 }).messages;
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async close(): Promise<void> {
    await this.stopNotifier();
    await this.producer?.disconnect();
    await this.standIn.close();
    await this.sink.close();
    // Leave the shared broker as we found it: this run's topics and its groups' retry/dead-letter topics.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groups = [this.env.NOTIFIER_CONSUMER_GROUP ?? '', this.env.NOTIFIER_LOG_WRITER_GROUP ?? ''];
      const owned = [
        this.topics.exposure,
        this.topics.fraudEnrollments,
        this.topics.fraudChallenges,
        this.topics.careChallenges,
        this.topics.incidentControl,
        this.topics.notificationLog,
        this.topics.regulatorReports,
        ...groups.flatMap((group) => [
          retryTopic(group, 1),
          retryTopic(group, 2),
          retryTopic(group, 3),
          deadLetterTopic(group),
        ]),
      ];
      const existing = new Set(await admin.listTopics());
      // Only names carrying this run's id: never a contract topic, even if a caller cleared the prefix.
      const topics = owned.filter((topic) => existing.has(topic) && topic.includes(this.id));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
    await this.db.end();
  }
}
