import { Module } from '@nestjs/common';
import { ResolutionModule } from '../resolution/resolution.module';
import { GateController } from './gate.controller';
import { GATE_CLOCK, gateClock } from './gate-clock';
import { GateService } from './gate.service';

@Module({
  imports: [ResolutionModule],
  controllers: [GateController],
  providers: [GateService, { provide: GATE_CLOCK, useValue: gateClock }],
})
export class GateModule {}
