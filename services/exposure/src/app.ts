import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Registry } from 'prom-client';
import { Topics } from '@bnp/contracts';
import {
  KafkaConsumerMetrics,
  ReliableKafkaServer,
  ensureTopics,
  failureTopics,
  consumerOutageOptions,
} from '@bnp/messaging';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, PinoNestLogger } from '@bnp/observability';
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
  const app = await NestFactory.create(ExposureAppModule.forRoot(config, logger, policy), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  app.enableShutdownHooks();
  const kafka = app.get(Kafka);
  const groupId = config.EXPOSURE_CONSUMER_GROUP;
  if (config.KAFKA_CREATE_TOPICS) {
    await ensureTopics(kafka, failureTopics(groupId, config.retryDelaysMs.length));
  }
  const consumer = new ReliableKafkaServer({
    kafka,
    groupId,
    // One group, so one set of retry tiers and one dead-letter topic for everything the service consumes.
    topics: [Topics.incidentRevisions, Topics.inventoryChanges],
    retryDelaysMs: config.retryDelaysMs,
    logger,
    metrics: new KafkaConsumerMetrics(app.get(Registry)),
    outage: consumerOutageOptions(config, app.get(DataSource)),
    seal: new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID)),
  });
  app.connectMicroservice({ strategy: consumer });
  return { app, consumer };
}
