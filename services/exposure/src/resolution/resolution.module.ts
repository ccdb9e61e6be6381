import { Module } from '@nestjs/common';
import type { ExposureConfig } from '../config';
import { EXPOSURE_CONFIG } from '../infrastructure.module';
import { RiskPolicy } from '../policy/risk-policy';
import { IncidentRevisionConsumer } from './incident-revision.consumer';
import { ResolutionJobRepository } from './resolution-job.repository';
import { ResolutionRepository } from './resolution.repository';
import { GATE_THRESHOLD, GATE_WINDOW_MS, ResolutionService } from './resolution.service';
import { RESOLUTION_LEASE_MS, ResolutionWorker } from './resolution.worker';

@Module({
  controllers: [IncidentRevisionConsumer],
  providers: [
    ResolutionRepository,
    ResolutionJobRepository,
    ResolutionService,
    ResolutionWorker,
    {
      provide: GATE_THRESHOLD,
      inject: [EXPOSURE_CONFIG, RiskPolicy],
      useFactory: (config: ExposureConfig, policy: RiskPolicy) =>
        config.GATE_MAX_PEOPLE_WITHOUT_APPROVAL >= 0
          ? config.GATE_MAX_PEOPLE_WITHOUT_APPROVAL
          : policy.maxPeopleWithoutApproval,
    },
    {
      provide: GATE_WINDOW_MS,
      inject: [EXPOSURE_CONFIG],
      useFactory: (config: ExposureConfig) => config.GATE_WINDOW_HOURS * 3_600_000,
    },
    {
      provide: RESOLUTION_LEASE_MS,
      inject: [EXPOSURE_CONFIG],
      useFactory: (config: ExposureConfig) => config.EXPOSURE_JOB_LEASE_MS,
    },
  ],
  exports: [ResolutionRepository, ResolutionService],
})
export class ResolutionModule {}
