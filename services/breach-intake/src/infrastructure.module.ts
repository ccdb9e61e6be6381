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
import { BlindIndexer } from '@bnp/pii';
import type { IntakeConfig } from './config';
import { INTAKE_SCHEMA, createIntakeDataSource } from './data-source';
import { BreachEventDecoder } from './incident/breach-event.decoder';
import { INTAKE_OUTBOX } from './incident/incident.repository';

export const INTAKE_CONFIG = Symbol('INTAKE_CONFIG');

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

  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: INTAKE_CONFIG, useValue: config },
        {
          provide: DataSource,
          useFactory: () => createIntakeDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE).initialize(),
        },
        {
          provide: Kafka,
          inject: [LOGGER],
          useFactory: (logger: Logger) => createKafka(config, 'breach-intake', logger),
        },
        { provide: INTAKE_OUTBOX, useValue: new OutboxWriter(INTAKE_SCHEMA) },
        {
          provide: OutboxRelay,
          inject: [DataSource, Kafka, LOGGER],
          useFactory: (dataSource: DataSource, kafka: Kafka, logger: Logger) =>
            new OutboxRelay({ pool: pgPoolOf(dataSource), kafka, schema: INTAKE_SCHEMA, logger }),
        },
        {
          provide: BreachEventDecoder,
          useFactory: () =>
            new BreachEventDecoder(
              new BlindIndexer(Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64')),
              config.INTAKE_CLOUDEVENT_TYPE,
            ),
        },
      ],
      exports: [INTAKE_CONFIG, DataSource, Kafka, INTAKE_OUTBOX, OutboxRelay, BreachEventDecoder],
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
