import { Module } from '@nestjs/common';
import { ResolutionModule } from '../resolution/resolution.module';
import { GateController } from './gate.controller';
import { GateService } from './gate.service';

@Module({
  imports: [ResolutionModule],
  controllers: [GateController],
  providers: [GateService],
})
export class GateModule {}
