import type { DynamicModule } from '@nestjs/common';
import { ClientCredentialsTokens } from '@bnp/auth';
import { ServiceInfrastructureModule } from '@bnp/messaging';
import { ClockAlertWorker } from './clock/clock-alert.worker';
import { DeadlineClockService } from './clock/deadline-clock.service';
import type { RegulatorApiConfig } from './config';
import { REGULATOR_SCHEMA, createRegulatorDataSource } from './data-source';
import { FiguresRepository } from './figures/figures.repository';
import { LogClient } from './figures/log-client';
import { ReportService } from './report/report.service';
import { ReportsRepository } from './submission/reports.repository';
import { SubmissionWorker } from './submission/submission.worker';
import { REGULATOR_CONFIG } from './tokens';

/** PostgreSQL, Kafka (the outbox of regulator.reports.v1), the log client, and the two background workers. */
export function infrastructureModule(config: RegulatorApiConfig): DynamicModule {
  return ServiceInfrastructureModule.forService({
    service: 'regulator-api',
    kafka: config,
    dataSource: () => createRegulatorDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    outbox: { schema: REGULATOR_SCHEMA, pollIntervalMs: 1000 },
    providers: [
      { provide: REGULATOR_CONFIG, useValue: config },
      {
        provide: LogClient,
        useValue: new LogClient(
          config.TLOG_URL,
          new ClientCredentialsTokens({
            issuer: config.OIDC_ISSUER,
            clientId: config.TLOG_CLIENT_ID,
            clientSecret: config.TLOG_CLIENT_SECRET,
          }),
        ),
      },
      FiguresRepository,
      ReportsRepository,
      ReportService,
      DeadlineClockService,
      SubmissionWorker,
      ClockAlertWorker,
    ],
    workers: [SubmissionWorker, ClockAlertWorker],
  });
}
