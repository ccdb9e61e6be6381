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
import { BlindIndexer, FieldCipher, parseKeyRing } from '@bnp/pii';
import { ActivationCodeMinter, SecretHasher } from './activation/activation-code';
import type { FraudGuardConfig } from './config';
import { FRAUD_SCHEMA, createFraudGuardDataSource } from './data-source';
import { FRAUD_OUTBOX } from './enrollment/enrollment.repository';
import { ExposureDecoder } from './enrollment/exposure.decoder';
import { FRAUD_CONFIG } from './tokens';

/** Connections to PostgreSQL and Kafka, the outbox relay, the keys, and health checks. */
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

  static forRoot(config: FraudGuardConfig): DynamicModule {
    const cipher = new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID));
    const blindIndexer = new BlindIndexer(Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64'));
    return {
      module: InfrastructureModule,
      providers: [
        { provide: FRAUD_CONFIG, useValue: config },
        {
          provide: DataSource,
          useFactory: () => createFraudGuardDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE).initialize(),
        },
        {
          provide: Kafka,
          inject: [LOGGER],
          useFactory: (logger: Logger) => createKafka(config, 'fraud-guard', logger),
        },
        { provide: FRAUD_OUTBOX, useValue: new OutboxWriter(FRAUD_SCHEMA) },
        {
          provide: OutboxRelay,
          inject: [DataSource, Kafka, LOGGER],
          useFactory: (dataSource: DataSource, kafka: Kafka, logger: Logger) =>
            new OutboxRelay({ pool: pgPoolOf(dataSource), kafka, schema: FRAUD_SCHEMA, logger }),
        },
        { provide: FieldCipher, useValue: cipher },
        { provide: BlindIndexer, useValue: blindIndexer },
        { provide: SecretHasher, useValue: new SecretHasher(Buffer.from(config.FRAUD_ACTIVATION_CODE_KEY, 'base64')) },
        { provide: ActivationCodeMinter, useValue: new ActivationCodeMinter() },
        { provide: ExposureDecoder, useValue: new ExposureDecoder(cipher, blindIndexer) },
      ],
      exports: [
        FRAUD_CONFIG,
        DataSource,
        Kafka,
        FRAUD_OUTBOX,
        OutboxRelay,
        FieldCipher,
        BlindIndexer,
        SecretHasher,
        ActivationCodeMinter,
        ExposureDecoder,
      ],
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
