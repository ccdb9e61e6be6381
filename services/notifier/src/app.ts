import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Registry } from 'prom-client';
import {
  KafkaConsumerMetrics,
  ensureTopics,
  failureTopics,
  type ReliableKafkaServer,
  consumerOutageOptions,
} from '@bnp/messaging';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, PinoNestLogger } from '@bnp/observability';
import type { NotifierConfig } from './config';
import { DispatchModule } from './dispatch/dispatch.module';
import { infrastructureModule } from './infrastructure.module';
import { NoticeModule } from './notice/notice.module';
import { RegulatorReceiptsModule } from './regulator-receipts/regulator-receipts.module';
import { NotificationLogModule } from './notification-log/notification-log.module';
import { PrefixedKafkaServer } from './shared/prefixed-kafka.server';
import { notifierTopics } from './shared/topics';

@Module({})
class NotifierAppModule {
  static forRoot(config: NotifierConfig, logger: Logger): DynamicModule {
    return {
      module: NotifierAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'notifier', logLevel: config.LOG_LEVEL, logger }),
        infrastructureModule(config),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'notifier', schema: 'notify' }),
        NoticeModule,
        RegulatorReceiptsModule,
        DispatchModule,
        ...(config.NOTIFIER_LOG_WRITER_ENABLED ? [NotificationLogModule] : []),
      ],
    };
  }
}

export interface NotifierApp {
  app: INestApplication;
  consumers: ReliableKafkaServer[];
}

/**
 * Builds the notifier: HTTP (health, metrics, Twilio status callbacks, incident counts), the consumers
 * of exposure, enrollment, activation challenge and control events, the scheduler that sends, and (unless disabled) the
 * notification-log writer in its own consumer group.
 */
export async function createNotifierApp(config: NotifierConfig, logger: Logger): Promise<NotifierApp> {
  const app = await NestFactory.create(NotifierAppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    // Twilio signs the form exactly as posted: the signature check needs the raw body.
    rawBody: true,
  });
  app.enableShutdownHooks();
  const kafka = app.get(Kafka);
  const topics = notifierTopics(config.NOTIFIER_TOPIC_PREFIX);
  // Each consumer holds a database connection per partition it works on: keep both modest, the
  // scheduler and the status callbacks need connections too.
  const groups = [
    {
      groupId: config.NOTIFIER_CONSUMER_GROUP,
      topics: [
        topics.exposure,
        topics.fraudEnrollments,
        topics.fraudChallenges,
        topics.incidentControl,
        topics.regulatorReports,
      ],
      concurrency: config.NOTIFIER_CONSUMER_CONCURRENCY,
      keysAtOnce: config.NOTIFIER_CONSUMER_KEYS_AT_ONCE,
    },
    ...(config.NOTIFIER_LOG_WRITER_ENABLED
      ? [
          {
            groupId: config.NOTIFIER_LOG_WRITER_GROUP,
            topics: [topics.notificationLog],
            concurrency: config.NOTIFIER_LOG_WRITER_CONCURRENCY,
            keysAtOnce: config.NOTIFIER_CONSUMER_KEYS_AT_ONCE,
          },
        ]
      : []),
  ];
  if (config.KAFKA_CREATE_TOPICS) {
    await ensureTopics(kafka, [
      ...(config.NOTIFIER_TOPIC_PREFIX
        ? [
            { topic: topics.exposure, numPartitions: 12 },
            { topic: topics.fraudEnrollments, numPartitions: 12 },
            { topic: topics.fraudChallenges, numPartitions: 6 },
            { topic: topics.incidentControl, numPartitions: 6 },
            { topic: topics.notificationLog, numPartitions: 6 },
            { topic: topics.regulatorReports, numPartitions: 6 },
          ]
        : []),
      ...groups.flatMap(({ groupId }) => failureTopics(groupId, config.retryDelaysMs.length)),
    ]);
  }
  const metrics = new KafkaConsumerMetrics(app.get(Registry));
  const outage = consumerOutageOptions(config, app.get(DataSource));
  const seal = config.cipher;
  const consumers = groups.map(
    ({ groupId, topics: subscribed, concurrency, keysAtOnce }) =>
      new PrefixedKafkaServer(
        {
          kafka,
          groupId,
          topics: subscribed,
          retryDelaysMs: config.retryDelaysMs,
          partitionsConsumedConcurrently: concurrency,
          keysConsumedConcurrently: keysAtOnce,
          sessionTimeoutMs: config.NOTIFIER_KAFKA_SESSION_TIMEOUT_MS,
          logger,
          metrics,
          outage,
          seal,
        },
        config.NOTIFIER_TOPIC_PREFIX,
      ),
  );
  for (const consumer of consumers) app.connectMicroservice({ strategy: consumer });
  return { app, consumers };
}
