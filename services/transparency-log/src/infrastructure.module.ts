import type { DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ServiceInfrastructureModule } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import { pgPoolOf } from '@bnp/persistence';
import { AppendRepository } from './append/append.repository';
import { CheckpointPublisher } from './checkpoint/checkpoint.publisher';
import { CheckpointRepository } from './checkpoint/checkpoint.repository';
import { WitnessClient } from './checkpoint/witness.client';
import type { TransparencyLogConfig } from './config';
import { TLOG_SCHEMA, createTransparencyLogDataSource } from './data-source';
import { LeafDecoder } from './leaf/leaf-decoder';
import { Pseudonymizer } from './leaf/pseudonymizer';
import { TLOG_CONFIG, TLOG_POOL } from './tokens';
import { TileRepository } from './tree/tile-store';

/** PostgreSQL, Kafka and health (shared wiring), the log's keys, its writer and its checkpoint publisher. */
export function infrastructureModule(config: TransparencyLogConfig): DynamicModule {
  return ServiceInfrastructureModule.forService({
    service: 'transparency-log',
    kafka: config,
    dataSource: () => createTransparencyLogDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    // What the outbox carries: the access records of reads (access.log.v1).
    outbox: { schema: TLOG_SCHEMA, pollIntervalMs: 1000 },
    providers: [
      { provide: TLOG_CONFIG, useValue: config },
      { provide: TLOG_POOL, inject: [DataSource], useFactory: (dataSource: DataSource) => pgPoolOf(dataSource) },
      { provide: LeafDecoder, useValue: new LeafDecoder(new Pseudonymizer(config.pseudonymKey)) },
      { provide: AppendRepository, inject: [TLOG_POOL], useFactory: (pool: Pool) => new AppendRepository(pool) },
      {
        provide: CheckpointPublisher,
        inject: [TLOG_POOL, LOGGER],
        useFactory: (pool: Pool, logger: Logger) =>
          new CheckpointPublisher({
            origin: config.TLOG_ORIGIN,
            key: config.signingKey,
            intervalMs: config.TLOG_CHECKPOINT_INTERVAL_MS,
            checkpoints: new CheckpointRepository(pool),
            tiles: new TileRepository(pool),
            witness: config.witness
              ? new WitnessClient(config.witness.url, config.witness.key, config.TLOG_WITNESS_TIMEOUT_MS)
              : null,
            logger: logger.child({ component: 'checkpoint-publisher' }),
          }),
      },
    ],
    workers: [CheckpointPublisher],
  });
}
