import type { DynamicModule } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ServiceInfrastructureModule } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import { pgPoolOf } from '@bnp/persistence';
import type { ExposureConfig } from './config';
import { createExposureDataSource } from './data-source';
import { EXPOSURE_SCHEMA } from './schema';
import { JurisdictionDeadlines } from './policy/jurisdiction-deadlines';
import { RiskPolicy } from './policy/risk-policy';
import { ExposureEventRelay } from './resolution/exposure-event.relay';

export const EXPOSURE_CONFIG = Symbol('EXPOSURE_CONFIG');

/**
 * PostgreSQL, Kafka, the control/log outbox relay and health (shared wiring), the policy files, and the
 * exposure fan-out, which starts after the outbox relay and stops before it.
 */
export function infrastructureModule(config: ExposureConfig, policy: RiskPolicy): DynamicModule {
  return ServiceInfrastructureModule.forService({
    service: 'exposure',
    kafka: config,
    dataSource: () => createExposureDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    outbox: { schema: EXPOSURE_SCHEMA },
    providers: [
      { provide: EXPOSURE_CONFIG, useValue: config },
      { provide: RiskPolicy, useValue: policy },
      { provide: JurisdictionDeadlines, useFactory: () => JurisdictionDeadlines.load() },
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
    workers: [ExposureEventRelay],
  });
}
