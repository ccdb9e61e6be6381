import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { ProtectionKafkaExceptionFilter } from '../enrollment/protection-exception.filter';
import { decodeIncidentControl } from './incident-control.decoder';
import { IncidentControlService, type ControlOutcome } from './incident-control.service';

/** Records pause and resume decisions (its own consumer group: see app.ts). */
@Controller()
@UseFilters(ProtectionKafkaExceptionFilter)
export class IncidentControlConsumer {
  constructor(private readonly controls: IncidentControlService) {}

  @EventPattern(Topics.incidentControl)
  handle(@Payload() message: InboundMessage): Promise<ControlOutcome> {
    return this.controls.apply(decodeIncidentControl(message));
  }
}
