import {
  Global,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { KafkaHealthIndicator, OutboxRelay, OutboxWriter, createKafka } from '@bnp/messaging';
import { HealthRegistry, LOGGER } from '@bnp/observability';
import { PostgresHealthIndicator, pgPoolOf } from '@bnp/persistence';
import type { NotifierConfig } from './config';
import { NOTIFY_SCHEMA, createNotifierDataSource } from './data-source';
import { NOTIFY_OUTBOX } from './notice/notice.repository';
import { NOTIFIER_CONFIG } from './shared/tokens';
import { NOTIFIER_TOPICS, notifierTopics } from './shared/topics';
import { WorkSignal } from './shared/work-signal';

/** Connections to PostgreSQL and Kafka, the outbox relay, and health checks for both. */
@Global()
@Module({})
export class InfrastructureModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafkaHealth: KafkaHealthIndicator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly health: HealthRegistry,
    kafka: Kafka,
  ) {
    this.kafkaHealth = new KafkaHealthIndicator(kafka);
  }

  static forRoot(config: NotifierConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: NOTIFIER_CONFIG, useValue: config },
        { provide: NOTIFIER_TOPICS, useValue: notifierTopics(config.NOTIFIER_TOPIC_PREFIX) },
        {
          provide: DataSource,
          useFactory: () => createNotifierDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE).initialize(),
        },
        { provide: Kafka, inject: [LOGGER], useFactory: (logger: Logger) => createKafka(config, 'notifier', logger) },
        { provide: NOTIFY_OUTBOX, useValue: new OutboxWriter(NOTIFY_SCHEMA) },
        WorkSignal,
        {
          provide: OutboxRelay,
          inject: [DataSource, Kafka, LOGGER],
          useFactory: (dataSource: DataSource, kafka: Kafka, logger: Logger) =>
            // The notifier's outbox has no NOTIFY trigger (see the migration): the relay polls, briefly.
            new OutboxRelay({
              pool: pgPoolOf(dataSource),
              kafka,
              schema: NOTIFY_SCHEMA,
              logger,
              pollIntervalMs: 100,
              batchSize: 5000,
            }),
        },
      ],
      exports: [NOTIFIER_CONFIG, NOTIFIER_TOPICS, DataSource, Kafka, NOTIFY_OUTBOX, OutboxRelay, WorkSignal],
    };
  }

  onModuleInit(): void {
    this.health.register(new PostgresHealthIndicator(this.dataSource));
    this.health.register(this.kafkaHealth);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.kafkaHealth.close();
    await this.dataSource.destroy();
  }
}
