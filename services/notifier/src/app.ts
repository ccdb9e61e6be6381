import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { connectConsumers, type ReliableKafkaServer } from '@bnp/messaging';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
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
 * of exposure, enrollment, activation challenge, care code and control events, the scheduler that sends, and (unless disabled) the
 * notification-log writer in its own consumer group.
 */
export async function createNotifierApp(config: NotifierConfig, logger: Logger): Promise<NotifierApp> {
  const app = await createServiceApp(NotifierAppModule.forRoot(config, logger), logger, {
    // Twilio signs the form exactly as posted: the signature check needs the raw body.
    rawBody: true,
  });
  const topics = notifierTopics(config.NOTIFIER_TOPIC_PREFIX);
  // Each consumer holds a database connection per partition it works on: keep both modest, the
  // scheduler and the status callbacks need connections too.
  const consumers = await connectConsumers(app, {
    config,
    logger,
    seal: config.cipher,
    sessionTimeoutMs: config.NOTIFIER_KAFKA_SESSION_TIMEOUT_MS,
    server: (options) => new PrefixedKafkaServer(options, config.NOTIFIER_TOPIC_PREFIX),
    groups: [
      {
        groupId: config.NOTIFIER_CONSUMER_GROUP,
        topics: [
          topics.exposure,
          topics.fraudEnrollments,
          topics.fraudChallenges,
          topics.careChallenges,
          topics.incidentControl,
          topics.regulatorReports,
        ],
        partitionsConsumedConcurrently: config.NOTIFIER_CONSUMER_CONCURRENCY,
        keysConsumedConcurrently: config.NOTIFIER_CONSUMER_KEYS_AT_ONCE,
      },
      ...(config.NOTIFIER_LOG_WRITER_ENABLED
        ? [
            {
              groupId: config.NOTIFIER_LOG_WRITER_GROUP,
              topics: [topics.notificationLog],
              partitionsConsumedConcurrently: config.NOTIFIER_LOG_WRITER_CONCURRENCY,
              keysConsumedConcurrently: config.NOTIFIER_CONSUMER_KEYS_AT_ONCE,
            },
          ]
        : []),
    ],
    // A prefixed set of contract topics (specs and benchmarks run beside each other) is created here too.
    topicsToCreate: config.NOTIFIER_TOPIC_PREFIX
      ? [
          { topic: topics.exposure, numPartitions: 12 },
          { topic: topics.fraudEnrollments, numPartitions: 12 },
          { topic: topics.fraudChallenges, numPartitions: 6 },
          { topic: topics.careChallenges, numPartitions: 6 },
          { topic: topics.incidentControl, numPartitions: 6 },
          { topic: topics.notificationLog, numPartitions: 6 },
          { topic: topics.regulatorReports, numPartitions: 6 },
        ]
      : [],
  });
  return { app, consumers };
}
