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
import { FieldCipher } from '@bnp/pii';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, PinoNestLogger } from '@bnp/observability';
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
  const app = await NestFactory.create(FraudGuardAppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  app.enableShutdownHooks();
  const kafka = app.get(Kafka);
  const groups = [
    {
      groupId: config.FRAUD_CONSUMER_GROUP,
      topics: [Topics.exposure, Topics.fraudProtectionAcks],
      partitions: config.FRAUD_CONSUMER_CONCURRENCY,
      keys: config.FRAUD_CONSUMER_KEYS_AT_ONCE,
    },
    // A pause must take effect while exposures are still queued: its own group reads it at once.
    { groupId: config.FRAUD_CONTROL_CONSUMER_GROUP, topics: [Topics.incidentControl], partitions: 1, keys: 1 },
  ];
  if (config.KAFKA_CREATE_TOPICS) {
    await ensureTopics(
      kafka,
      groups.flatMap(({ groupId }) => failureTopics(groupId, config.retryDelaysMs.length)),
    );
  }
  const metrics = new KafkaConsumerMetrics(app.get(Registry));
  const outage = consumerOutageOptions(config, app.get(DataSource));
  const seal = app.get(FieldCipher);
  const consumers = groups.map(
    ({ groupId, topics, partitions, keys }) =>
      new ReliableKafkaServer({
        kafka,
        groupId,
        topics,
        retryDelaysMs: config.retryDelaysMs,
        partitionsConsumedConcurrently: partitions,
        keysConsumedConcurrently: keys,
        logger,
        metrics,
        outage,
        seal,
      }),
  );
  for (const consumer of consumers) app.connectMicroservice({ strategy: consumer });
  return { app, consumers };
}
