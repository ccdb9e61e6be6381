import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { Topics } from '@bnp/contracts';
import { connectConsumers, type ReliableKafkaServer } from '@bnp/messaging';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
import type { IntakeConfig } from './config';
import { IncidentModule } from './incident/incident.module';
import { infrastructureModule } from './infrastructure.module';

@Module({})
class IntakeAppModule {
  static forRoot(config: IntakeConfig, logger: Logger): DynamicModule {
    return {
      module: IntakeAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'breach-intake', logLevel: config.LOG_LEVEL, logger }),
        infrastructureModule(config),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'breach-intake', schema: 'intake' }),
        IncidentModule,
      ],
    };
  }
}

export interface IntakeApp {
  app: INestApplication;
  consumer: ReliableKafkaServer;
}

/** Builds the intake service: HTTP (health, metrics, incidents) and the breach-event consumer. */
export async function createIntakeApp(config: IntakeConfig, logger: Logger): Promise<IntakeApp> {
  const app = await createServiceApp(IntakeAppModule.forRoot(config, logger), logger);
  const [consumer] = await connectConsumers(app, {
    config,
    logger,
    seal: new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID)),
    groups: [{ groupId: config.INTAKE_CONSUMER_GROUP, topics: [Topics.breachEvents] }],
  });
  return { app, consumer: consumer! };
}
