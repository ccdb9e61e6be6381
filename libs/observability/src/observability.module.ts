import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { HealthController, HealthRegistry } from './health';
import { MetricsController, createMetricsRegistry } from './metrics';
import { createLogger, type LogLevel } from './logger';

/** Injection token for the service's pino logger. */
export const LOGGER = Symbol('LOGGER');

export interface ObservabilityOptions {
  service: string;
  logLevel: LogLevel;
  logger?: Logger;
}

/** /health, /health/live, /metrics, one pino logger and one Prometheus registry per service. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const logger = options.logger ?? createLogger(options.service, options.logLevel);
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        { provide: LOGGER, useValue: logger },
        { provide: Registry, useValue: createMetricsRegistry(options.service) },
      ],
      exports: [HealthRegistry, LOGGER, Registry],
    };
  }
}
