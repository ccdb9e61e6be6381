import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { HealthRegistry, LOGGER } from '@bnp/observability';
import { PostgresHealthIndicator, pgPoolOf } from '@bnp/persistence';
import { KafkaHealthIndicator } from './kafka-health';
import { createKafka, type KafkaConnectionConfig } from './kafka-client';
import { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';

/** A loop a service runs beside its request handlers and consumers (a relay, a fan-out, a sweeper). */
export interface BackgroundWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceInfrastructureOptions {
  /** The service's name: its Kafka client id. */
  service: string;
  kafka: KafkaConnectionConfig;
  /** The service's DataSource, not yet initialised (its entities, migrations and pool size). */
  dataSource: () => DataSource;
  /** Where the service's transactional outbox lives and how its relay reads it. */
  outbox: Omit<OutboxRelayOptions, 'pool' | 'kafka' | 'logger' | 'registry'>;
  /** What else the whole service shares (its configuration, keys, decoders, further workers); all exported. */
  providers?: Provider[];
  /** Providers among those that run in the background: started after the outbox relay, stopped before it. */
  workers?: InjectionToken[];
}

const WORKERS = Symbol('BACKGROUND_WORKERS');

/**
 * What every service wires the same way: one DataSource (PostgreSQL), one Kafka client, the outbox relay,
 * readiness checks for both stores, and the order things start and stop in (relays start once the
 * application is up; at shutdown the workers stop first, then the relay, then the connections). Each
 * service's `infrastructure.module.ts` names only what is its own.
 */
@Global()
@Module({})
export class ServiceInfrastructureModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafkaHealth: KafkaHealthIndicator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly health: HealthRegistry,
    @Inject(WORKERS) private readonly workers: BackgroundWorker[],
    kafka: Kafka,
  ) {
    this.kafkaHealth = new KafkaHealthIndicator(kafka);
  }

  static forService(options: ServiceInfrastructureOptions): DynamicModule {
    const own = options.providers ?? [];
    return {
      module: ServiceInfrastructureModule,
      providers: [
        { provide: DataSource, useFactory: () => options.dataSource().initialize() },
        {
          provide: Kafka,
          inject: [LOGGER],
          useFactory: (logger: Logger) => createKafka(options.kafka, options.service, logger),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, Kafka, LOGGER, Registry],
          useFactory: (dataSource: DataSource, kafka: Kafka, logger: Logger, registry: Registry) =>
            new OutboxRelay({ ...options.outbox, pool: pgPoolOf(dataSource), kafka, logger, registry }),
        },
        {
          provide: WORKERS,
          inject: options.workers ?? [],
          useFactory: (...workers: BackgroundWorker[]) => workers,
        },
        ...own,
      ],
      exports: [DataSource, Kafka, OutboxRelay, ...own.map(tokenOf)],
    };
  }

  onModuleInit(): void {
    this.health.register(new PostgresHealthIndicator(this.dataSource));
    this.health.register(this.kafkaHealth);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
    for (const worker of this.workers) await worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const worker of [...this.workers].reverse()) await worker.stop();
    await this.relay.stop();
    await this.kafkaHealth.close();
    await this.dataSource.destroy();
  }
}

function tokenOf(provider: Provider): InjectionToken {
  return typeof provider === 'function' ? provider : provider.provide;
}
