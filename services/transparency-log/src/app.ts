import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { Topics } from '@bnp/contracts';
import { connectConsumers, type ReliableKafkaServer } from '@bnp/messaging';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
import { AppendModule } from './append/append.module';
import type { TransparencyLogConfig } from './config';
import { HttpModule } from './http/http.module';
import { infrastructureModule } from './infrastructure.module';

@Module({})
class TransparencyLogAppModule {
  static forRoot(config: TransparencyLogConfig, logger: Logger): DynamicModule {
    return {
      module: TransparencyLogAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'transparency-log', logLevel: config.LOG_LEVEL, logger }),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'transparency-log', schema: 'tlog' }),
        infrastructureModule(config),
        AppendModule,
        HttpModule,
      ],
    };
  }
}

export interface TransparencyLogApp {
  app: INestApplication;
  consumer: ReliableKafkaServer;
}

/**
 * Builds the transparency log: its consumer (notification.log.v1 and exposure.v1, in a group of its
 * own), the checkpoint publisher, and the read-only HTTP API (health, metrics, tiles, checkpoint, proofs,
 * bundles), each route behind the platform's token guard.
 */
export async function createTransparencyLogApp(
  config: TransparencyLogConfig,
  logger: Logger,
): Promise<TransparencyLogApp> {
  const app = await createServiceApp(TransparencyLogAppModule.forRoot(config, logger), logger);
  const [consumer] = await connectConsumers(app, {
    config,
    logger,
    seal: new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID)),
    groups: [
      {
        groupId: config.TLOG_CONSUMER_GROUP,
        topics: [Topics.notificationLog, Topics.exposure],
        partitionsConsumedConcurrently: config.TLOG_CONSUMER_CONCURRENCY,
        keysConsumedConcurrently: config.TLOG_CONSUMER_KEYS_AT_ONCE,
      },
    ],
  });
  return { app, consumer: consumer! };
}
