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
  const app = await NestFactory.create(IntakeAppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  app.enableShutdownHooks();
  const kafka = app.get(Kafka);
  const groupId = config.INTAKE_CONSUMER_GROUP;
  if (config.KAFKA_CREATE_TOPICS) {
    await ensureTopics(kafka, failureTopics(groupId, config.retryDelaysMs.length));
  }
  const consumer = new ReliableKafkaServer({
    kafka,
    groupId,
    topics: [Topics.breachEvents],
    retryDelaysMs: config.retryDelaysMs,
    logger,
    metrics: new KafkaConsumerMetrics(app.get(Registry)),
    outage: consumerOutageOptions(config, app.get(DataSource)),
    seal: new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID)),
  });
  app.connectMicroservice({ strategy: consumer });
  return { app, consumer };
}
