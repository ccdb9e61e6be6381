import { Module } from '@nestjs/common';
import { ResolutionModule } from '../resolution/resolution.module';
import { GateController } from './gate.controller';
import { GATE_CLOCK, gateClock } from './gate-clock';
import { GateRepository } from './gate.repository';
import { GateService } from './gate.service';

@Module({
  imports: [ResolutionModule],
  controllers: [GateController],
  providers: [GateService, GateRepository, { provide: GATE_CLOCK, useValue: gateClock }],
})
export class GateModule {}
