import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { Topics } from '@bnp/contracts';
import { connectConsumers, type ReliableKafkaServer } from '@bnp/messaging';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
import { FieldCipher } from '@bnp/pii';
import { BoardModule } from './board/board.module';
import { ConsoleModule } from './console/console.module';
import type { CareConfig } from './config';
import { CARE_SCHEMA } from './data-source';
import { FeedModule } from './feed/feed.module';
import { infrastructureModule } from './infrastructure.module';
import { PersonModule } from './person/person.module';
import { VerificationModule } from './verification/verification.module';

@Module({})
class CareAppModule {
  static forRoot(config: CareConfig, logger: Logger): DynamicModule {
    return {
      module: CareAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'care-api', logLevel: config.LOG_LEVEL, logger }),
        infrastructureModule(config),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'care-api', schema: CARE_SCHEMA }),
        FeedModule,
        PersonModule,
        VerificationModule,
        BoardModule,
        ConsoleModule,
      ],
    };
  }
}

export interface CareApp {
  app: NestExpressApplication;
  consumer: ReliableKafkaServer;
}

/** The topics care's read model is fed from. */
export const CARE_FEED_TOPICS = [
  Topics.exposure,
  Topics.notificationLog,
  Topics.fraudEnrollments,
  Topics.incidentControl,
];

/** Builds care-api: the read-model consumer, the console's API (OpenAPI at /docs). */
export async function createCareApp(config: CareConfig, logger: Logger): Promise<CareApp> {
  const app = await createServiceApp<NestExpressApplication>(CareAppModule.forRoot(config, logger), logger);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('care-api')
      .setDescription('Customer care: find a person, see what happened to them, act for a verified caller.')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  // The console's static files (index.html and hashed assets): public, no data; every API call they make is checked.
  if (existsSync(config.CARE_WEB_DIST)) app.useStaticAssets(config.CARE_WEB_DIST, { index: 'index.html' });
  else logger.warn({ dist: config.CARE_WEB_DIST }, 'console not built (npm run build:care-web): serving the API only');
  const [consumer] = await connectConsumers(app, {
    config,
    logger,
    seal: app.get(FieldCipher),
    groups: [{ groupId: config.CARE_CONSUMER_GROUP, topics: CARE_FEED_TOPICS }],
  });
  return { app, consumer: consumer! };
}
