import { DomainException } from '@bnp/errors';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { IncidentRevisionAcceptedSchema, decodeBinary } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { NotifiedLoop, pgPoolOf } from '@bnp/persistence';
import { redactPiiInText } from '@bnp/pii';
import { ExposureErrorCode } from './exposure.exception';
import { ResolutionJobRepository, type ClaimedJob } from './resolution-job.repository';
import { ResolutionService } from './resolution.service';

export const RESOLUTION_LEASE_MS = Symbol('RESOLUTION_LEASE_MS');
const MAX_ATTEMPTS = 8;

/** Runs queued resolution jobs one at a time per instance, woken by NOTIFY, polling as a fallback. */
@Injectable()
export class ResolutionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: NotifiedLoop;

  constructor(
    private readonly jobs: ResolutionJobRepository,
    private readonly resolution: ResolutionService,
    dataSource: DataSource,
    @Inject(RESOLUTION_LEASE_MS) private readonly leaseMs: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new NotifiedLoop({
      pool: pgPoolOf(dataSource),
      channel: 'exposure_jobs',
      logger: logger.child({ component: 'resolution-worker' }),
      pass: () => this.runNextJob(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Claims and runs one job; returns 0 when none was due. A failing job is retried with backoff, then parked. */
  private async runNextJob(): Promise<number> {
    const job = await this.jobs.claim(this.leaseMs);
    if (!job) return 0;
    try {
      await this.resolution.resolve(decodeBinary(IncidentRevisionAcceptedSchema, job.payload));
      await this.jobs.complete(job);
    } catch (error) {
      await this.failed(job, error);
    }
    return 1;
  }

  private async failed(job: ClaimedJob, error: unknown): Promise<void> {
    const permanent =
      DomainException.is(error, ExposureErrorCode) && error.code === ExposureErrorCode.MalformedRevision;
    const retryInMs = permanent || job.attempts >= MAX_ATTEMPTS ? null : Math.min(60_000, 500 * 2 ** job.attempts);
    const message = redactPiiInText(error instanceof Error ? error.message : String(error));
    this.logger.error(
      { incidentId: job.incidentId, revision: job.revision, attempt: job.attempts, retryInMs, err: error },
      'resolution failed',
    );
    await this.jobs.fail(job, message, retryInMs).catch(() => undefined);
  }
}
