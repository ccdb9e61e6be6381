import { Module } from '@nestjs/common';
import { IncidentControlConsumer } from './incident-control.consumer';
import { IncidentControlRepository } from './incident-control.repository';
import { IncidentControlService } from './incident-control.service';

@Module({
  controllers: [IncidentControlConsumer],
  providers: [IncidentControlRepository, IncidentControlService],
})
export class IncidentControlModule {}
