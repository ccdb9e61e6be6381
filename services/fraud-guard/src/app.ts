import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { Topics } from '@bnp/contracts';
import { connectConsumers, type ReliableKafkaServer } from '@bnp/messaging';
import { FieldCipher } from '@bnp/pii';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
import type { FraudGuardConfig } from './config';
import { EnrollmentModule } from './enrollment/enrollment.module';
import { IncidentControlModule } from './incident-control/incident-control.module';
import { infrastructureModule } from './infrastructure.module';
import { ProtectionModule } from './protection/protection.module';
import { SchedulerModule } from './scheduler/scheduler.module';

@Module({})
class FraudGuardAppModule {
  static forRoot(config: FraudGuardConfig, logger: Logger): DynamicModule {
    return {
      module: FraudGuardAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'fraud-guard', logLevel: config.LOG_LEVEL, logger }),
        infrastructureModule(config),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'fraud-guard', schema: 'fraud' }),
        EnrollmentModule,
        IncidentControlModule,
        ProtectionModule,
        SchedulerModule,
      ],
    };
  }
}

export interface FraudGuardApp {
  app: INestApplication;
  /** The exposure and acknowledgement consumer, then the incident control consumer. */
  consumers: ReliableKafkaServer[];
}

/**
 * Builds fraud-guard: HTTP (health, metrics, the enrollment API), the exposure and acknowledgement
 * consumers, the incident control consumer in a group of its own, the scheduler.
 */
export async function createFraudGuardApp(config: FraudGuardConfig, logger: Logger): Promise<FraudGuardApp> {
  const app = await createServiceApp(FraudGuardAppModule.forRoot(config, logger), logger);
  const consumers = await connectConsumers(app, {
    config,
    logger,
    seal: app.get(FieldCipher),
    groups: [
      {
        groupId: config.FRAUD_CONSUMER_GROUP,
        topics: [Topics.exposure, Topics.fraudProtectionAcks],
        partitionsConsumedConcurrently: config.FRAUD_CONSUMER_CONCURRENCY,
        keysConsumedConcurrently: config.FRAUD_CONSUMER_KEYS_AT_ONCE,
      },
      // A pause must take effect while exposures are still queued: its own group reads it at once.
      {
        groupId: config.FRAUD_CONTROL_CONSUMER_GROUP,
        topics: [Topics.incidentControl],
        partitionsConsumedConcurrently: 1,
        keysConsumedConcurrently: 1,
      },
    ],
  });
  return { app, consumers };
}
