import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccessAuditModule } from '@bnp/access-audit';
import { AuthModule } from '@bnp/auth';
import { ObservabilityModule, createServiceApp } from '@bnp/observability';
import type { RegulatorApiConfig } from './config';
import { LogProxyController } from './http/log-proxy.controller';
import { RegulatorController } from './http/regulator.controller';
import { infrastructureModule } from './infrastructure.module';

@Module({})
class RegulatorApiModule {
  static forRoot(config: RegulatorApiConfig, logger: Logger): DynamicModule {
    return {
      module: RegulatorApiModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'regulator-api', logLevel: config.LOG_LEVEL, logger }),
        infrastructureModule(config),
        AuthModule.forRoot(config),
        AccessAuditModule.forService({ service: 'regulator-api', schema: 'regulator' }),
      ],
      controllers: [RegulatorController, LogProxyController],
    };
  }
}

/** Builds regulator-api: the regulator's view of incidents, reports, deadline clocks and the log (HTTP only). */
export async function createRegulatorApiApp(config: RegulatorApiConfig, logger: Logger): Promise<INestApplication> {
  return createServiceApp(RegulatorApiModule.forRoot(config, logger), logger);
}
