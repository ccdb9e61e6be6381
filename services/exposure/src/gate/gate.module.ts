import { Module } from '@nestjs/common';
import { ResolutionModule } from '../resolution/resolution.module';
import { GateController } from './gate.controller';
import { systemClock } from '@bnp/auth';
import { GATE_CLOCK, GateService } from './gate.service';

@Module({
  imports: [ResolutionModule],
  controllers: [GateController],
  providers: [GateService, { provide: GATE_CLOCK, useValue: systemClock }],
})
export class GateModule {}
