import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { PinoNestLogger } from './nest-logger';

/**
 * A service's Nest application: Nest's own messages through the service's pino logger, and its
 * providers closed on SIGTERM/SIGINT (consumers, relays, pools; see installShutdownDeadline).
 */
export async function createServiceApp<T extends INestApplication = INestApplication>(
  module: DynamicModule,
  logger: Logger,
  options: Omit<NestApplicationOptions, 'logger'> = {},
): Promise<T> {
  const app = await NestFactory.create<T>(module, {
    ...options,
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  app.enableShutdownHooks();
  return app;
}
