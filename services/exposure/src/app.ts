import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { Topics } from '@bnp/contracts';
import { connectConsumers, type ReliableKafkaServer } from '@bnp/messaging';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
import type { ExposureConfig } from './config';
import { DirectoryLookupModule } from './directory/directory-lookup.module';
import { GateModule } from './gate/gate.module';
import { infrastructureModule } from './infrastructure.module';
import { InventoryModule } from './inventory/inventory.module';
import { RiskPolicy } from './policy/risk-policy';
import { ResolutionModule } from './resolution/resolution.module';

@Module({})
class ExposureAppModule {
  static forRoot(config: ExposureConfig, logger: Logger, policy: RiskPolicy): DynamicModule {
    return {
      module: ExposureAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'exposure', logLevel: config.LOG_LEVEL, logger }),
        infrastructureModule(config, policy),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'exposure', schema: 'exposure' }),
        ResolutionModule,
        InventoryModule,
        GateModule,
        DirectoryLookupModule,
      ],
    };
  }
}

export interface ExposureApp {
  app: INestApplication;
  consumer: ReliableKafkaServer;
}

/** Builds the exposure service: revision and inventory consumers, resolution worker, fan-out relay, gate API. */
export async function createExposureApp(config: ExposureConfig, logger: Logger): Promise<ExposureApp> {
  const policy = RiskPolicy.load(); // validated at boot: a broken policy file stops the service here
  const app = await createServiceApp(ExposureAppModule.forRoot(config, logger, policy), logger);
  const [consumer] = await connectConsumers(app, {
    config,
    logger,
    seal: new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID)),
    // One group, so one set of retry tiers and one dead-letter topic for everything the service consumes.
    groups: [{ groupId: config.EXPOSURE_CONSUMER_GROUP, topics: [Topics.incidentRevisions, Topics.inventoryChanges] }],
  });
  return { app, consumer: consumer! };
}
