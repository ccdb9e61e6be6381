import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { IncidentRevisionAcceptedSchema, decodeBinary } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import { pgPoolOf } from '@bnp/persistence';
import { redactPiiInText } from '@bnp/pii';
import { ExposureErrorCode, ExposureException } from './exposure.exception';
import { ResolutionJobRepository, type ClaimedJob } from './resolution-job.repository';
import { ResolutionService } from './resolution.service';

export const RESOLUTION_LEASE_MS = Symbol('RESOLUTION_LEASE_MS');
const MAX_ATTEMPTS = 8;

/** Runs queued resolution jobs one at a time per instance, woken by NOTIFY, polling as a fallback. */
@Injectable()
export class ResolutionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private listener?: PoolClient;

  constructor(
    private readonly jobs: ResolutionJobRepository,
    private readonly resolution: ResolutionService,
    private readonly dataSource: DataSource,
    @Inject(RESOLUTION_LEASE_MS) private readonly leaseMs: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = await pgPoolOf(this.dataSource).connect();
    this.listener.on('notification', () => this.wake?.());
    await this.listener.query('LISTEN "exposure_jobs"');
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.listener?.release();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let job: ClaimedJob | null = null;
      try {
        job = await this.jobs.claim(this.leaseMs);
        if (!job) {
          await this.sleep(1000);
          continue;
        }
        await this.resolution.resolve(decodeBinary(IncidentRevisionAcceptedSchema, job.payload));
        await this.jobs.complete(job);
      } catch (error) {
        if (!job) {
          this.logger.error({ err: error }, 'resolution worker could not claim a job');
          await this.sleep(1000);
          continue;
        }
        const permanent = error instanceof ExposureException && error.code === ExposureErrorCode.MalformedRevision;
        const retryInMs = permanent || job.attempts >= MAX_ATTEMPTS ? null : Math.min(60_000, 500 * 2 ** job.attempts);
        const message = redactPiiInText(error instanceof Error ? error.message : String(error));
        this.logger.error(
          { incidentId: job.incidentId, revision: job.revision, attempt: job.attempts, retryInMs, err: error },
          'resolution failed',
        );
        await this.jobs.fail(job, message, retryInMs).catch(() => undefined);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
