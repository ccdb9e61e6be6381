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
import { KafkaHealthIndicator, OutboxRelay, createKafka } from '@bnp/messaging';
import { HealthRegistry, LOGGER } from '@bnp/observability';
import { PostgresHealthIndicator, pgPoolOf } from '@bnp/persistence';
import type { ExposureConfig } from './config';
import { EXPOSURE_SCHEMA, createExposureDataSource } from './data-source';
import { JurisdictionDeadlines } from './policy/jurisdiction-deadlines';
import { RiskPolicy } from './policy/risk-policy';
import { ExposureEventRelay } from './resolution/exposure-event.relay';

export const EXPOSURE_CONFIG = Symbol('EXPOSURE_CONFIG');

/** PostgreSQL, Kafka, the policy files, both relays (control/log outbox and the exposure fan-out), health. */
@Global()
@Module({})
export class InfrastructureModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafkaHealth: KafkaHealthIndicator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outboxRelay: OutboxRelay,
    private readonly eventRelay: ExposureEventRelay,
    private readonly health: HealthRegistry,
    kafka: Kafka,
  ) {
    this.kafkaHealth = new KafkaHealthIndicator(kafka);
  }

  static forRoot(config: ExposureConfig, policy: RiskPolicy): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: EXPOSURE_CONFIG, useValue: config },
        { provide: RiskPolicy, useValue: policy },
        { provide: JurisdictionDeadlines, useFactory: () => JurisdictionDeadlines.load() },
        {
          provide: DataSource,
          useFactory: () => createExposureDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE).initialize(),
        },
        { provide: Kafka, inject: [LOGGER], useFactory: (logger: Logger) => createKafka(config, 'exposure', logger) },
        {
          provide: OutboxRelay,
          inject: [DataSource, Kafka, LOGGER],
          useFactory: (dataSource: DataSource, kafka: Kafka, logger: Logger) =>
            new OutboxRelay({ pool: pgPoolOf(dataSource), kafka, schema: EXPOSURE_SCHEMA, logger }),
        },
        {
          provide: ExposureEventRelay,
          inject: [DataSource, Kafka, LOGGER],
          useFactory: (dataSource: DataSource, kafka: Kafka, logger: Logger) =>
            new ExposureEventRelay(
              pgPoolOf(dataSource),
              kafka,
              policy,
              logger.child({ component: 'exposure-relay' }),
              config.EXPOSURE_RELAY_BATCH,
            ),
        },
      ],
      exports: [EXPOSURE_CONFIG, RiskPolicy, JurisdictionDeadlines, DataSource, Kafka, OutboxRelay, ExposureEventRelay],
    };
  }

  onModuleInit(): void {
    this.health.register(new PostgresHealthIndicator(this.dataSource));
    this.health.register(this.kafkaHealth);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.outboxRelay.start();
    await this.eventRelay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.eventRelay.stop();
    await this.outboxRelay.stop();
    await this.kafkaHealth.close();
    await this.dataSource.destroy();
  }
}
