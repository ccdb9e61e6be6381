import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import type { FraudGuardConfig } from '../config';
import { EnrollmentLifecycleService } from '../enrollment/enrollment-lifecycle.service';
import { PartnerService } from '../partner/partner.service';
import { ProtectionService } from '../protection/protection.service';
import { FRAUD_CONFIG } from '../tokens';
import { PeriodicJob } from './periodic-job';

const COMMAND_BATCH = 500;
const PARTNER_BATCH = 20;
const EXPIRY_BATCH = 1000;

/**
 * Sends commands held by a pause once their incident resumes, re-sends unacknowledged commands, works
 * the partner queue and expires enrollments, each on its own loop.
 */
@Injectable()
export class FraudScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly jobs: PeriodicJob[];

  constructor(
    protection: ProtectionService,
    partner: PartnerService,
    lifecycle: EnrollmentLifecycleService,
    @Inject(FRAUD_CONFIG) private readonly config: FraudGuardConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    const intervalMs = config.FRAUD_SCHEDULER_INTERVAL_MS;
    const log = logger.child({ component: 'scheduler' });
    this.jobs = [
      new PeriodicJob({
        name: 'command-release',
        intervalMs,
        batchSize: COMMAND_BATCH,
        logger: log,
        run: () => protection.releaseHeld(COMMAND_BATCH),
      }),
      new PeriodicJob({
        name: 'command-resend',
        intervalMs,
        batchSize: COMMAND_BATCH,
        logger: log,
        run: () => protection.resendDue(COMMAND_BATCH),
      }),
      new PeriodicJob({
        name: 'partner-tasks',
        intervalMs,
        batchSize: PARTNER_BATCH,
        logger: log,
        run: () => partner.runDue(PARTNER_BATCH),
      }),
      new PeriodicJob({
        name: 'expiry',
        intervalMs,
        batchSize: EXPIRY_BATCH,
        logger: log,
        run: () => lifecycle.expireDue(EXPIRY_BATCH),
      }),
    ];
  }

  onApplicationBootstrap(): void {
    if (this.config.FRAUD_SCHEDULER_ENABLED) for (const job of this.jobs) job.start();
  }

  // Stopped before the infrastructure closes the database on application shutdown.
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.jobs.map((job) => job.stop()));
  }
}
