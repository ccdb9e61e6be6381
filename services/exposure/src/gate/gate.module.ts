import { Module } from '@nestjs/common';
import type { ExposureConfig } from '../config';
import { EXPOSURE_CONFIG } from '../infrastructure.module';
import { ResolutionModule } from '../resolution/resolution.module';
import { GateController } from './gate.controller';
import { GateRepository } from './gate.repository';
import { APPROVERS, GateService } from './gate.service';

@Module({
  imports: [ResolutionModule],
  controllers: [GateController],
  providers: [
    GateService,
    GateRepository,
    {
      provide: APPROVERS,
      inject: [EXPOSURE_CONFIG],
      useFactory: (config: ExposureConfig) => config.approversByTokenHash,
    },
  ],
})
export class GateModule {}
