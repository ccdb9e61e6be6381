import { Module } from '@nestjs/common';
import { BreachEventConsumer } from './breach-event.consumer';
import { IncidentController } from './incident.controller';
import { IncidentRepository } from './incident.repository';
import { IncidentService } from './incident.service';

@Module({
  controllers: [BreachEventConsumer, IncidentController],
  providers: [IncidentRepository, IncidentService],
})
export class IncidentModule {}
